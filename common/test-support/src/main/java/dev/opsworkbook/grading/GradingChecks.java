package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The maintainers' checks that {@code scripts/verify.sh} runs on a grading run's results. */
final class GradingChecks {
    private GradingChecks() {
    }

    /** Every graded test of a pristine skeleton fails, and fails because of the stub. */
    static boolean skeletonFailsForStubReason(Path results, PrintStream out) throws IOException {
        if (!Files.isRegularFile(results)) {
            out.println("no results at " + results + ": did the skeleton compile against its suite?");
            return false;
        }
        Results.Exercise report = Json.readExercise(Files.readString(results, StandardCharsets.UTF_8));
        List<Results.Test> tests = report.tests();
        int wrong = 0;
        for (Results.Test t : tests) {
            boolean stub = Results.FAIL.equals(t.status()) && t.notImplemented();
            if (!stub) {
                wrong++;
                String why = t.passed() ? "passes on the skeleton"
                        : "fails for another reason: " + firstLine(t.message());
                out.println("  " + report.slug() + ": '" + t.name() + "' " + why);
            }
        }
        if (tests.isEmpty()) {
            out.println("  " + report.slug() + ": no graded tests found");
            return false;
        }
        out.println("  " + report.slug() + ": " + (tests.size() - wrong) + "/" + tests.size()
                + " tests fail for the stub reason, score " + report.score() + "/" + report.maxScore());
        return wrong == 0 && report.score() == 0;
    }

    /**
     * {@code check-caught [--expect NAME] RESULTS}: exit 0 when at least one graded test failed on the bug-zoo
     * variant, 1 when none did (the variant is not a bug, or the suite misses it). With {@code --expect}, a
     * catch by another test than the one BUG.md names is still a catch, and is said so.
     */
    static int checkCaught(List<String> args, PrintStream out) throws IOException {
        String expected = null;
        List<String> files = args;
        if (args.size() >= 2 && args.getFirst().equals("--expect")) {
            expected = args.get(1);
            files = args.subList(2, args.size());
        }
        if (files.size() != 1) {
            out.println("usage: GradingCli check-caught [--expect TEST_NAME] RESULTS_JSON");
            return 2;
        }
        return bugCaught(Path.of(files.getFirst()), expected, out) ? 0 : 1;
    }

    /** A bug-zoo variant compiled and at least one graded test failed on it. */
    static boolean bugCaught(Path results, @Nullable String expected, PrintStream out) throws IOException {
        if (!Files.isRegularFile(results)) {
            out.println("  no results: the suite did not start");
            return false;
        }
        Results.Exercise report = Json.readExercise(Files.readString(results, StandardCharsets.UTF_8));
        // A test skipped or never run (e.g. after the first failure) catches nothing by itself.
        List<Results.Test> failing = report.tests().stream()
                .filter(t -> Results.FAIL.equals(t.status()))
                .filter(t -> !String.valueOf(t.message()).startsWith("skipped")).toList();
        for (Results.Test t : failing) {
            boolean other = expected != null && !expected.equals(t.name());
            out.println("  caught by: " + t.name()
                    + (other ? "\n    (not the test BUG.md's caught-by line names: '" + expected + "')" : ""));
        }
        if (failing.isEmpty()) {
            out.println("  every graded test passed on this variant");
        }
        return !failing.isEmpty();
    }

    private static String firstLine(@Nullable String message) {
        String s = String.valueOf(message);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
