package dev.opsworkbook.grading;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The result payload GitHub Classroom's {@code classroom-resources/autograding-grading-reporter} reads
 * ({@code scripts/grade.sh --classroom}): base64 of a JSON object {@code {version: 1, status, max_score,
 * tests: [{name, status, score, message, test_code, filename, line_no, duration}]}}, the shape its graders
 * emit. The reporter adds up the tests' {@code score}s and the runners' {@code max_score}s into the
 * "Points X/Y" that Classroom records, so each graded test keeps its own points here.
 *
 * <p>The reporter receives the payload in an environment variable, and Linux caps one at 128 KiB: messages
 * are cut to a few lines and the JSON has no indentation; a payload still too large loses its messages, then
 * has one entry per exercise instead of one per test.
 */
final class ClassroomPayload {
    private ClassroomPayload() {
    }

    /** Base64 bytes above which the messages are dropped (Linux's limit on one environment string is 131072). */
    static final int MAX_ENCODED = 120_000;
    private static final int MESSAGE_CHARS = 400;

    /**
     * The base64 payload for {@code report}: every test with its message; if that is too large, without the
     * messages; if still too large, one entry per exercise. The points are the same in all three.
     */
    static String encode(Results.Report report) {
        String encoded = encode(payload(report, true));
        if (encoded.length() > MAX_ENCODED) {
            encoded = encode(payload(report, false));
        }
        return encoded.length() <= MAX_ENCODED ? encoded : encode(perExercise(report));
    }

    private static String encode(Map<String, Object> payload) {
        StringBuilder json = new StringBuilder(16_384);
        compact(payload, json);
        return Base64.getEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** JSON without the report's indentation: the payload travels in an environment variable, where bytes count. */
    private static void compact(@Nullable Object value, StringBuilder out) {
        switch (value) {
            case Map<?, ?> map -> {
                out.append('{');
                String comma = "";
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(comma).append(Json.write(String.valueOf(e.getKey())).strip()).append(':');
                    compact(e.getValue(), out);
                    comma = ",";
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    compact(list.get(i), out);
                }
                out.append(']');
            }
            case null, default -> out.append(Json.write(value).strip()); // a string or number, as the report writes it
        }
    }

    /** One entry per exercise, for a report with more tests than an environment variable holds. */
    static Map<String, Object> perExercise(Results.Report report) {
        List<Map<String, Object>> tests = new ArrayList<>();
        for (Results.Exercise e : report.exercises()) {
            long passed = e.tests().stream().filter(Results.Test::passed).count();
            tests.add(test(e.slug() + " › all tests", Results.PASS.equals(e.status()) ? Results.PASS
                    : Results.ERROR.equals(e.status()) ? Results.ERROR : Results.FAIL, e.score(),
                    passed + " of " + e.tests().size() + " tests pass; the HTML or JSON report lists them",
                    "scripts/grade.sh " + e.slug(), e.tests().stream().mapToLong(Results.Test::durationMs).sum()));
        }
        return envelope(report, tests);
    }

    /** The payload as a JSON-ready map. */
    static Map<String, Object> payload(Results.Report report, boolean messages) {
        List<Map<String, Object>> tests = new ArrayList<>();
        for (Results.Exercise e : report.exercises()) {
            String run = "scripts/grade.sh " + e.slug() + (report.task() == null ? "" : " --task " + report.task());
            long earned = e.tests().stream().mapToLong(Results.Test::points).sum();
            // An exercise whose tests' points are not its score (an error: a compile failure, a tampered results
            // file, a missing test) gets one entry with the reason, and its tests count for nothing, so the points
            // Classroom adds up are the report's.
            boolean trustTests = earned == e.score() && !Results.ERROR.equals(e.status());
            if (!trustTests) {
                tests.add(test(e.slug() + " › the exercise as a whole", Results.ERROR, e.score(),
                        messages ? e.message() : null, run, 0));
            }
            for (Results.Test t : e.tests()) {
                String message = t.notImplemented() ? "not implemented yet: the stub still throws"
                        + " UnsupportedOperationException" : t.message() == null ? "failed" : t.message();
                if (t.hint() != null) {
                    message = message + "\nhint: " + t.hint();
                }
                tests.add(test(e.slug() + " › " + t.name(), t.passed() ? Results.PASS : Results.FAIL,
                        trustTests ? t.points() : 0, messages && !t.passed() ? message : null, run, t.durationMs()));
            }
        }
        return envelope(report, tests);
    }

    private static Map<String, Object> envelope(Results.Report report, List<Map<String, Object>> tests) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("status", status(report));
        m.put("max_score", report.maxScore());
        m.put("tests", tests);
        return m;
    }

    private static Map<String, Object> test(String name, String status, long score, @Nullable String message,
            String run,
            long durationMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("status", status);
        m.put("score", score);
        m.put("message", message == null ? "" : cut(message));
        m.put("test_code", run);
        m.put("filename", "");
        m.put("line_no", 0);
        m.put("duration", durationMs);
        return m;
    }

    /** {@code error} if any exercise could not be graded, {@code pass} if all passed, else {@code fail}. */
    private static String status(Results.Report report) {
        List<String> statuses = report.exercises().stream().map(Results.Exercise::status).toList();
        if (statuses.contains(Results.ERROR)) {
            return Results.ERROR;
        }
        return statuses.stream().allMatch(Results.PASS::equals) ? Results.PASS : Results.FAIL;
    }

    private static String cut(String message) {
        String[] lines = message.strip().split("\\R");
        String text = String.join("\n", List.of(lines).subList(0, Math.min(lines.length, 6)));
        if (text.length() > MESSAGE_CHARS) {
            text = text.substring(0, MESSAGE_CHARS);
        }
        return text.length() < message.strip().length() ? text + " …" : text;
    }
}
