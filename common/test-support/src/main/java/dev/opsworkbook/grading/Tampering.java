package dev.opsworkbook.grading;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Compares an exercise's {@code results.json} (written inside the test JVM, where code under test can reach it)
 * with what the test JVM reported over the grading channel as each test finished ({@link ResultsCollector}).
 * Any difference means the file was changed after the fact, or the grader was imitated: the exercise is then
 * an error worth 0 points.
 */
final class Tampering {
    static final String MODIFIED = "the grading results were modified by the code under test";

    private Tampering() {
    }

    /** Why {@code file} cannot be trusted, or null when it agrees with {@code stream}. */
    static @Nullable String disagreement(Results.@Nullable Exercise file, ResultsCollector.@Nullable Stream stream) {
        if (stream == null) {
            return "the test JVM never reported its results to the grader (its results channel was cut or"
                    + " replaced), yet a results file exists";
        }
        synchronized (stream) {
            if (stream.connections > 1) {
                return stream.connections + " results streams were opened for this exercise, where the grader opens"
                        + " one: code under test imitated the grader";
            }
            if (file == null) {
                return "the tests ran, but their results file was deleted";
            }
            List<String> names = file.tests().stream().map(Results.Test::name).toList();
            if (!names.equals(List.copyOf(stream.plan.keySet()))) {
                return "the results file lists other tests than the ones that ran";
            }
            for (Results.Test t : file.tests()) {
                String reported = stream.results.get(t.name());
                Integer planned = stream.plan.get(t.name()); // present: the names were compared above
                if (planned == null || t.maxPoints() != planned) {
                    return "'" + t.name() + "' is worth " + t.maxPoints() + " points in the results file, "
                            + stream.plan.get(t.name()) + " in the suite";
                }
                if (t.passed() != Results.PASS.equals(reported)) {
                    return "'" + t.name() + "' is '" + t.status() + "' in the results file, but the test JVM reported '"
                            + (reported == null ? "not finished" : reported) + "'";
                }
                if (t.points() != (t.passed() ? t.maxPoints() : 0)) {
                    return "'" + t.name() + "' has " + t.points() + " points in the results file";
                }
            }
            if (file.score() != stream.score()) {
                return "the results file's score is " + file.score() + ", the tests earned " + stream.score();
            }
            return null;
        }
    }

    /** The exercise as the test JVM reported it, worth 0 points, with {@code why}. */
    static Results.Exercise tampered(String slug, ResultsCollector.@Nullable Stream stream, String why, int outOf) {
        List<Results.Test> tests = new ArrayList<>();
        if (stream != null) {
            synchronized (stream) {
                for (Map.Entry<String, Integer> unit : stream.plan.entrySet()) {
                    String reported = stream.results.get(unit.getKey());
                    tests.add(new Results.Test(unit.getKey(), reported == null ? Results.ERROR : reported,
                            reported == null ? "did not finish" : null, null, null, 0, unit.getValue(), 0, null,
                            false));
                }
            }
        }
        return new Results.Exercise(Results.EXERCISE_FORMAT, slug, Results.ERROR, MODIFIED + ": " + why
                + ". 0 points for this exercise. Remove the code that touches the grader's files or classes and"
                + " grade again; if you think this is wrong, show this message to your instructor.", 0, outOf, tests);
    }
}
