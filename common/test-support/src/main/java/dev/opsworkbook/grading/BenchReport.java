package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The table {@code scripts/bench.sh} prints: each implementation as a ratio to the library baselines
 * measured <em>in the same JMH run</em>, so runs made minutes apart on a noisy machine still compare.
 *
 * <p>Convention: benchmark methods are named {@code <scenario>_<impl>}; an impl whose name starts
 * with {@code baseline} is a library baseline. Ratios are costs (time per op, or baseline throughput
 * divided by throughput): 1.00× is as fast as the baseline, lower is better.
 */
final class BenchReport {
    private BenchReport() {
    }

    /** {@code p50} is the median of a SampleTime benchmark, NaN for other modes. */
    record Result(String run, String scenario, String impl, String params, double score, double error, String unit,
                  String mode, double p50) {
        boolean baseline() {
            return impl.startsWith("baseline");
        }

        String group() {
            return run + "|" + scenario + "|" + params;
        }
    }

    /** {@code bench LABEL JMH_JSON JMH_LOG [LABEL JMH_JSON JMH_LOG ...]} */
    static int run(List<String> args, PrintStream out) throws IOException {
        if (args.isEmpty() || args.size() % 3 != 0) {
            System.err.println("usage: bench LABEL JMH_JSON JMH_LOG [...]");
            return 2;
        }
        List<Result> results = new ArrayList<>();
        Map<String, Set<String>> notImplemented = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 3) {
            String run = args.get(i);
            Path json = Path.of(args.get(i + 1));
            Path log = Path.of(args.get(i + 2));
            if (Files.isRegularFile(json) && Files.size(json) > 0) {
                results.addAll(parse(run, Files.readString(json, StandardCharsets.UTF_8)));
            }
            if (Files.isRegularFile(log)) {
                notImplemented.put(run, stubbed(Files.readString(log, StandardCharsets.UTF_8)));
            }
        }
        out.print(table(results, notImplemented));
        return 0;
    }

    static List<Result> parse(String run, String jmhJson) {
        List<Result> results = new ArrayList<>();
        for (Json.JmhResult b : Json.readJmh(jmhJson)) {
            String method = b.benchmark().substring(b.benchmark().lastIndexOf('.') + 1);
            int cut = method.indexOf('_');
            String scenario = cut < 0 ? method : method.substring(0, cut);
            String impl = cut < 0 ? method : method.substring(cut + 1);
            results.add(new Result(run, scenario, impl, b.params().toString(), b.score(), b.error(), b.unit(),
                    b.mode(), b.p50()));
        }
        return results;
    }

    /** Benchmark methods whose run failed with the skeleton's UnsupportedOperationException. */
    static Set<String> stubbed(String log) {
        Set<String> stubbed = new LinkedHashSet<>();
        @Nullable String current = null;
        boolean failing = false;
        for (String line : log.split("\\R", -1)) {
            if (line.startsWith("# Benchmark: ")) {
                current = line.substring("# Benchmark: ".length()).strip();
                current = current.substring(current.lastIndexOf('.') + 1);
                failing = false;
            } else if (line.contains("<failure>")) {
                failing = true;
            } else if (failing && current != null && line.contains("UnsupportedOperationException")) {
                stubbed.add(current);
            }
        }
        return stubbed;
    }

    static String table(List<Result> results, Map<String, Set<String>> notImplemented) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-12s %-22s %-28s %-11s %22s  %s%n", "run", "scenario", "implementation",
                "params", "score", "cost vs baselines in the same run (lower is better)"));
        Map<String, List<Result>> groups = new LinkedHashMap<>();
        for (Result r : results) {
            groups.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        }
        for (List<Result> group : groups.values()) {
            List<Result> baselines = group.stream().filter(Result::baseline).toList();
            for (Result r : group) {
                StringBuilder ratios = new StringBuilder();
                if (!r.baseline()) {
                    for (Result b : baselines) {
                        ratios.append(String.format(Locale.ROOT, "%.2f× %s  ", cost(r, b), b.impl()));
                    }
                } else {
                    ratios.append("(baseline)");
                }
                String median = Double.isNaN(r.p50()) ? "" : String.format(Locale.ROOT, " (p50 %.3f)", r.p50());
                out.append(String.format(Locale.ROOT, "%-12s %-22s %-28s %-11s %12.3f ± %-7.3f %s%s %s%n", r.run(),
                        r.scenario(), r.impl(), r.params().equals("{}") ? "" : r.params(), r.score(), r.error(),
                        r.unit(), median, ratios.toString().strip()));
            }
        }
        notImplemented.forEach((run, methods) -> methods.forEach(m -> out.append(String.format(Locale.ROOT,
                "%-12s %-50s not implemented yet (UnsupportedOperationException): no score%n", run, m))));
        return out.toString();
    }

    /** How many times the baseline's cost {@code r} has. */
    static double cost(Result r, Result baseline) {
        return r.mode().equals("thrpt") ? baseline.score() / r.score() : r.score() / baseline.score();
    }
}
