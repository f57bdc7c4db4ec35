package dev.opsworkbook.grading;

import java.util.ArrayList;
import java.util.List;
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
            if (!names.equals(stream.plan.stream().map(ResultsCollector.Planned::name).toList())) {
                return "the results file lists other tests than the ones that ran";
            }
            for (int i = 0; i < file.tests().size(); i++) {
                Results.Test t = file.tests().get(i);
                String reported = stream.results.get(i);
                int planned = stream.plan.get(i).points();
                if (t.maxPoints() != planned) {
                    return "'" + t.name() + "' is worth " + t.maxPoints() + " points in the results file, "
                            + planned + " in the suite";
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
                for (int i = 0; i < stream.plan.size(); i++) {
                    String reported = stream.results.get(i);
                    tests.add(new Results.Test(stream.plan.get(i).name(), reported == null ? Results.ERROR : reported,
                            reported == null ? "did not finish" : null, null, null, 0, stream.plan.get(i).points(), 0,
                            null, false));
                }
            }
        }
        return new Results.Exercise(Results.EXERCISE_FORMAT, slug, Results.ERROR, MODIFIED + ": " + why
                + ". 0 points for this exercise. Remove the code that touches the grader's files or classes and"
                + " grade again; if you think this is wrong, show this message to your instructor.", 0, outOf, tests);
    }
}
