package dev.opsworkbook.grading;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point for the scripts: {@code report}, {@code check-skeleton}, {@code check-caught}, {@code compile},
 * {@code bench}, {@code bench-chart}, {@code merge}, {@code render}, {@code suite-manifest}, {@code check-suite},
 * {@code gradebook}.
 * Exit status: 0 fine, 1 a check failed or the score is below the minimum, 2 usage error.
 */
public final class GradingCli {
    private GradingCli() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    private static final String USAGE = "usage: GradingCli report|check-skeleton|check-caught|compile|bench|bench-chart"
            + "|merge|render|suite-manifest|check-suite|gradebook ...";

    static int run(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(USAGE);
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        return switch (args[0]) {
            case "report" -> GradeReport.report(rest, System.out);
            case "check-skeleton" -> {
                boolean ok = true;
                for (String f : rest) {
                    ok &= GradingChecks.skeletonFailsForStubReason(Path.of(f), System.out);
                }
                yield ok ? 0 : 1;
            }
            case "check-caught" -> GradingChecks.checkCaught(rest, System.out);
            case "compile" -> VariantCompiler.run(rest, System.out);
            case "bench" -> BenchReport.run(rest, System.out);
            case "bench-chart" -> BenchChart.run(rest, System.out);
            case "merge", "render" -> ReportFiles.run(args[0], rest, System.out, System.err);
            case "suite-manifest" -> SuiteManifest.write(rest, System.out);
            case "check-suite" -> SuiteManifest.check(rest, System.out);
            case "gradebook" -> Gradebook.run(rest, System.out);
            default -> {
                System.err.println("unknown command: " + args[0] + "\n" + USAGE);
                yield 2;
            }
        };
    }
}
