package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The instructors' outputs of a finished grading run, made from its {@code report.json} alone, without grading
 * again: {@code merge} (per-exercise reports of one submission, say from the jobs of a CI matrix, into one report)
 * and {@code render} (one report into the HTML page and the GitHub Classroom payload, for {@code grade.sh}).
 *
 * <pre>
 * merge  REPORT.json... [--json F] [--markdown F] [--html F] [--classroom F] [--bench-dir DIR]
 * render REPORT.json    [--markdown F] [--html F] [--classroom F] [--bench-dir DIR]
 * </pre>
 * {@code merge} also prints the merged scoreboard. Exit status 0, or 2 with a one-line reason on stderr for a
 * usage error or an input that is missing or is not a grading report.
 */
final class ReportFiles {
    private ReportFiles() {
    }

    /** A usage error or an unusable input: its message is the one line the user sees. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private static final String USAGE = "scripts/grade.sh merge a.json b.json ... --json merged.json";

    static int run(String command, List<String> args, PrintStream out, PrintStream err) throws IOException {
        try {
            return run(command.equals("merge"), args, out);
        } catch (Refused e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static int run(boolean merge, List<String> args, PrintStream out) throws IOException, Refused {
        List<Path> inputs = new ArrayList<>();
        Map<String, Path> outputs = new LinkedHashMap<>();
        @Nullable Path benchDir = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--json", "--markdown", "--html", "--classroom", "--bench-dir" -> {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new Refused(a + " needs a file name, e.g. " + a + " "
                                + (a.equals("--bench-dir") ? "target/bench" : "out." + a.substring(2)));
                    }
                    Path p = Path.of(args.get(++i));
                    if (a.equals("--bench-dir")) {
                        benchDir = p;
                    } else {
                        outputs.put(a, p);
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new Refused("unknown option '" + a + "'; usage: " + USAGE);
                    }
                    inputs.add(Path.of(a));
                }
            }
        }
        if (inputs.isEmpty()) {
            throw new Refused(merge ? "name the reports to merge: " + USAGE : "render needs one report.json");
        }
        if (!merge && (inputs.size() > 1 || outputs.containsKey("--json"))) {
            throw new Refused("render takes one report.json and writes --markdown, --html or --classroom");
        }
        Results.Report report = merge(inputs);
        if (merge) {
            out.print(GradeReport.scoreboard(report));
        }
        for (Map.Entry<String, Path> o : outputs.entrySet()) {
            Path file = o.getValue();
            String what;
            String text;
            switch (o.getKey()) {
                case "--json" -> {
                    what = "JSON report";
                    text = Json.write(report);
                }
                case "--markdown" -> {
                    what = "Markdown report";
                    text = GradeReport.markdown(report);
                }
                case "--html" -> {
                    what = "HTML report";
                    text = HtmlReport.page(report, charts(report, benchDir, file));
                }
                default -> {
                    what = "GitHub Classroom payload";
                    text = ClassroomPayload.encode(report);
                }
            }
            write(file, text);
            out.println(what + ": " + file);
        }
        return 0;
    }

    /**
     * The reports of {@code files} as one, exercises in slug order. They must be of one kind (the same
     * {@code graded} and {@code task}), hold each exercise once, and add up: a report whose totals are not the sum
     * of its exercises was edited by hand, and is refused.
     */
    static Results.Report merge(List<Path> files) throws IOException, Refused {
        List<Results.Exercise> exercises = new ArrayList<>();
        Map<String, Path> seen = new LinkedHashMap<>();
        Results.@Nullable Report first = null;
        Path firstFile = files.getFirst();
        for (Path file : files) {
            Results.Report r = read(file);
            if (first == null) {
                first = r;
            } else if (!first.graded().equals(r.graded()) || !Objects.equals(first.task(), r.task())) {
                throw new Refused(file + " grades " + kind(r) + " but " + firstFile + " grades " + kind(first)
                        + ": merge reports of one kind only");
            }
            for (Results.Exercise e : r.exercises()) {
                Path before = seen.putIfAbsent(e.slug(), file);
                if (before != null) {
                    throw new Refused(e.slug() + " is in both " + before + " and " + file
                            + ": merge each exercise's report once");
                }
                exercises.add(e);
            }
        }
        Results.Report kind = Objects.requireNonNull(first);
        exercises.sort(Comparator.comparing(Results.Exercise::slug));
        return new Results.Report(Results.REPORT_FORMAT, kind.graded(), kind.task(),
                exercises.stream().mapToLong(Results.Exercise::score).sum(),
                exercises.stream().mapToLong(Results.Exercise::maxScore).sum(), exercises);
    }

    private static Results.Report read(Path file) throws IOException, Refused {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Refused(file + " does not exist: name a report.json that scripts/grade.sh --json wrote");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new Refused(file + " is not a grading report (not UTF-8 text): name a report.json that"
                    + " scripts/grade.sh --json wrote");
        }
        Results.Report r;
        try {
            r = Json.readReport(text);
        } catch (IllegalArgumentException | ClassCastException | ArithmeticException e) {
            throw new Refused(file + " is not a grading report (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                    + "): name a report.json that scripts/grade.sh --json wrote");
        }
        if (r.exercises().isEmpty()) {
            throw new Refused(file + " holds no graded exercise");
        }
        long score = r.exercises().stream().mapToLong(Results.Exercise::score).sum();
        long max = r.exercises().stream().mapToLong(Results.Exercise::maxScore).sum();
        if (score != r.score() || max != r.maxScore()) {
            throw new Refused(file + " says " + r.score() + "/" + r.maxScore() + " but its exercises add up to "
                    + score + "/" + max + ": the file was edited; grade again");
        }
        return r;
    }

    private static String kind(Results.Report r) {
        return r.graded() + "/" + (r.task() == null ? "" : " (task " + r.task() + " only)");
    }

    /** The benchmark charts {@code scripts/bench.sh} left in {@code dir}, linked relative to {@code page}. */
    private static Map<String, HtmlReport.Chart> charts(Results.Report report, @Nullable Path dir, Path page)
            throws IOException {
        Map<String, HtmlReport.Chart> charts = new LinkedHashMap<>();
        if (dir == null) {
            return charts;
        }
        Path from = page.toAbsolutePath().normalize().getParent();
        for (Results.Exercise e : report.exercises()) {
            Path svg = dir.resolve(e.slug() + ".svg");
            if (Files.isRegularFile(svg)) {
                Path abs = svg.toAbsolutePath().normalize();
                String link = from == null ? abs.toUri().toString() : relativeUri(from.relativize(abs));
                charts.put(e.slug(), new HtmlReport.Chart(Files.readString(svg, StandardCharsets.UTF_8), link));
            }
        }
        return charts;
    }

    /** A relative path as a URI reference (spaces and the like escaped), '/'-separated. */
    private static String relativeUri(Path relative) {
        try {
            return new java.net.URI(null, null, relative.toString().replace('\\', '/'), null).toASCIIString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
