package dev.opsworkbook.grading;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The grading report as types: what {@link GradingListener} writes to {@code results.json}, what the grader
 * combines into {@code report.json}, and what every reader (scoreboard, Markdown, verify's checks) reads.
 * The field names and order are the JSON's (an Exercism v3 superset, DESIGN §4); {@link Json} is the one
 * place that maps between the two.
 */
public final class Results {
    private Results() {
    }

    /** One graded test: a test method, or a parameterized/repeated method as a whole. */
    public record Test(String name, String status, @Nullable String message, @Nullable String output,
                       @Nullable Integer taskId, int points, int maxPoints, long durationMs, @Nullable String hint,
                       boolean notImplemented) {
        public boolean passed() {
            return PASS.equals(status);
        }
    }

    /**
     * One exercise's {@code results.json}; in the combined report also its {@code flags} (what the scan of the
     * learner's sources found reaching for the grader) and its {@code advice} (static-analysis findings in the
     * learner's files, never scored); each written only when there are some.
     */
    public record Exercise(int version, String slug, String status, @Nullable String message, long score,
                           long maxScore, List<Test> tests, List<String> flags, List<String> advice) {
        public Exercise {
            tests = List.copyOf(tests);
            flags = List.copyOf(flags);
            advice = List.copyOf(advice);
        }

        public Exercise(int version, String slug, String status, @Nullable String message, long score, long maxScore,
                List<Test> tests) {
            this(version, slug, status, message, score, maxScore, tests, List.of(), List.of());
        }

        public Exercise withSlug(String newSlug) {
            return new Exercise(version, newSlug, status, message, score, maxScore, tests, flags, advice);
        }

        public Exercise withFlags(List<String> newFlags) {
            return new Exercise(version, slug, status, message, score, maxScore, tests, newFlags, advice);
        }

        public Exercise withAdvice(List<String> newAdvice) {
            return new Exercise(version, slug, status, message, score, maxScore, tests, flags, newAdvice);
        }

        /** The same results, marked {@code error} with {@code why}, graded out of {@code outOf} points. */
        public Exercise asError(String why, long outOf) {
            return new Exercise(version, slug, ERROR, why, score, outOf, tests, flags, advice);
        }
    }

    /** The combined {@code report.json} of one grading run. */
    public record Report(int version, String graded, @Nullable Integer task, long score, long maxScore,
                         List<Exercise> exercises) {
        public Report {
            exercises = List.copyOf(exercises);
        }
    }

    public static final String PASS = "pass";
    public static final String FAIL = "fail";
    public static final String ERROR = "error";
    /** The Exercism test-runner format version of {@code results.json}. */
    public static final int EXERCISE_FORMAT = 3;
    /** The version of the combined {@code report.json}. */
    public static final int REPORT_FORMAT = 1;
}
