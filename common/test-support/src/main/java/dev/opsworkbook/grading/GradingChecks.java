package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The maintainers' checks that {@code scripts/verify.sh} runs on a grading run's results. */
final class GradingChecks {
    private GradingChecks() {
    }

    /** Every graded test of a pristine skeleton fails, and fails because of the stub. */
    @SuppressWarnings("unchecked")
    static boolean skeletonFailsForStubReason(Path results, PrintStream out) throws IOException {
        if (!Files.isRegularFile(results)) {
            out.println("no results at " + results + ": did the skeleton compile against its suite?");
            return false;
        }
        Map<String, Object> report = (Map<String, Object>) Json.parse(Files.readString(results, StandardCharsets.UTF_8));
        List<Map<String, Object>> tests = (List<Map<String, Object>>) (List<?>) report.get("tests");
        int wrong = 0;
        for (Map<String, Object> t : tests) {
            boolean stub = "fail".equals(t.get("status")) && Boolean.TRUE.equals(t.get("not_implemented"));
            if (!stub) {
                wrong++;
                String why = "pass".equals(t.get("status")) ? "passes on the skeleton"
                        : "fails for another reason: " + firstLine(t.get("message"));
                out.println("  " + report.get("slug") + ": '" + t.get("name") + "' " + why);
            }
        }
        if (tests.isEmpty()) {
            out.println("  " + report.get("slug") + ": no graded tests found");
            return false;
        }
        out.println("  " + report.get("slug") + ": " + (tests.size() - wrong) + "/" + tests.size()
                + " tests fail for the stub reason, score " + report.get("score") + "/" + report.get("max_score"));
        return wrong == 0 && ((Number) report.get("score")).longValue() == 0;
    }

    /** A bug-zoo variant compiled and at least one graded test failed on it. */
    @SuppressWarnings("unchecked")
    static boolean bugCaught(Path results, PrintStream out) throws IOException {
        if (!Files.isRegularFile(results)) {
            out.println("  no results: the variant did not compile or the suite did not start");
            return false;
        }
        Map<String, Object> report = (Map<String, Object>) Json.parse(Files.readString(results, StandardCharsets.UTF_8));
        // A test skipped or never run (e.g. after the first failure) catches nothing by itself.
        List<Map<String, Object>> failing = ((List<Map<String, Object>>) (List<?>) report.get("tests")).stream()
                .filter(t -> "fail".equals(t.get("status")))
                .filter(t -> !String.valueOf(t.get("message")).startsWith("skipped")).toList();
        for (Map<String, Object> t : failing) {
            out.println("  caught by: " + t.get("name"));
        }
        return !failing.isEmpty();
    }

    private static String firstLine(Object message) {
        String s = String.valueOf(message);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
