package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The report for each way a learner's run can go, compared with a golden file. Run with
 * {@code -Dgolden.update=true} to rewrite the golden files after a deliberate change, then review the diff.
 * The score of each case is also asserted outright, so a careless update cannot bless a wrong score.
 */
@DisplayName("The grading report")
class GoldenReportTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    /** The sample suites are short runs: C2's compile threads would cost more than they save. */
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "all-pass,        AllPassSuite,        100, pass",
        "some-fail,       SomeFailSuite,        40, fail",
        "system-exit,     SystemExitSuite,      30, error",
        "infinite-loop,   InfiniteLoopSuite,    50, fail",
        "impostor-output, ImpostorOutputSuite,  50, fail",
    })
    @Timeout(60)
    @DisplayName("matches its golden file and scores only what was earned")
    void sampleSuite(String name, String suite, int score, String status) throws Exception {
        Path results = dir.resolve("results.json");
        runInChildJvm("dev.opsworkbook.grading.samples." + suite, results);

        Results.Exercise report = Json.readExercise(Files.readString(results));
        assertThat(report.score()).isEqualTo(score);
        assertThat(report.maxScore()).isEqualTo(100);
        assertThat(report.status()).isEqualTo(status);
        assertGolden(name, normalize(Files.readString(results)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "attack-shutdown-hook,       ShutdownHookAttackSuite,    0, error",
        "attack-rewrites-during-run, RewritesAttackSuite,        0, error",
        "attack-raw-output,          RawOutputAttackSuite,      50, fail",
        "attack-another-grader,      AnotherGraderAttackSuite,   0, error",
        "attack-deletes-results,     DeletesResultsAttackSuite,  0, error",
        "attack-reflection,          ReflectionAttackSuite,      0, error",
        "honest-with-channel,        SomeFailSuite,             40, fail",
        "honest-duplicate-names,     DuplicateNamesSuite,       50, fail",
    })
    @Timeout(60)
    @DisplayName("of code that attacks the grader scores what was earned, or is an error worth 0, never more")
    void attack(String name, String suite, int score, String status) throws Exception {
        Path module = dir.resolve("exercises/sample");
        Path results = module.resolve("target/grading/results.json");
        Files.createDirectories(results.getParent());
        Results.Exercise entry;
        try (ResultsCollector collector = new ResultsCollector()) {
            runInChildJvm("dev.opsworkbook.grading.samples." + suite, results, module, collector.port());
            collector.close();
            entry = new GradeReport(dir, "exercises", null, "", collector).entry("sample");
        }

        assertThat(entry.score()).as(entry.message()).isEqualTo(score);
        assertThat(entry.status()).isEqualTo(status);
        if (status.equals("error")) {
            assertThat(entry.message()).startsWith(Tampering.MODIFIED);
        } else {
            assertThat(entry).as("an honest file agrees with the channel, and is reported as it is")
                    .isEqualTo(Json.readExercise(Files.readString(results)).withSlug("sample"));
        }
        assertGolden(name, normalize(Json.write(entry)));
    }

    @Test
    @DisplayName("of a learner's compile error is an error worth 0 points, with the compiler's message")
    void compileError() throws IOException {
        String mavenLog = """
                [INFO] --- compiler:3.16.0:compile (default-compile) @ ex05-safe-exec ---
                [ERROR] COMPILATION ERROR :
                [ERROR] /w/exercises/ex05-safe-exec/src/main/java/dev/ow/SafeExec.java:[42,9] cannot find symbol
                  symbol:   class ProcesBuilder
                [ERROR] /w/exercises/ex05-safe-exec/src/main/java/dev/ow/SafeExec.java:[57,1] class expected
                [ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.16.0:compile
                  (default-compile) on project ex05-safe-exec: Compilation failure
                """;
        GradeReport grader = new GradeReport(dir, "exercises", null, mavenLog);

        Results.Report report = grader.build(List.of("ex05-safe-exec"));

        assertThat(report.score()).isZero();
        assertThat(report.maxScore()).isEqualTo(100);
        assertGolden("compile-error", Json.write(report));
        assertThat(GradeReport.scoreboard(report)).contains("compilation failed", "SafeExec.java:[42,9] cannot find symbol");
    }

    @Test
    @DisplayName("counts a suite with tests removed against the full 100 points")
    void missingTests() throws IOException {
        Path results = dir.resolve("exercises/ex05-safe-exec/target/grading/results.json");
        Files.createDirectories(results.getParent());
        Files.writeString(results, """
                {"version": 3, "slug": "ex05-safe-exec", "status": "pass", "message": null, "score": 10,
                 "max_score": 10, "tests": [{"name": "the only test left", "status": "pass", "points": 10, "max_points": 10}]}
                """);

        Results.Report report = new GradeReport(dir, "exercises", null, "").build(List.of("ex05-safe-exec"));

        assertThat(report.score()).isEqualTo(10);
        assertThat(report.maxScore()).isEqualTo(100);
        assertThat(GradeReport.scoreboard(report)).contains("were tests removed, renamed or disabled?");
    }

    private static void runInChildJvm(String suite, Path results) throws Exception {
        runInChildJvm(suite, results, null, null);
    }

    /** In {@code workingDirectory} (null: this one), reporting to a results collector on {@code port} if given. */
    private static void runInChildJvm(String suite, Path results, Path workingDirectory, Integer port)
            throws Exception {
        // The runner verify uses for the bug zoo, with the kit's JUnit configuration; a short timeout for the loop.
        ChildJvm.Builder builder = ChildJvm.builder(SuiteRunner.class).jvmArgs(C1_ONLY).args("--class", suite,
                "--results", results.toString(), "--slug", "sample",
                "--config", "junit.jupiter.execution.timeout.default=1 s").workingDirectory(workingDirectory);
        if (port != null) {
            builder.environment(ResultsStream.COLLECTOR_ENV, port.toString());
        }
        try (ChildJvm child = builder.start()) {
            child.awaitExit(Duration.ofSeconds(45));
            if (port == null) { // with a collector, the attack may have deleted them
                assertThat(results).as("results written by the listener; the child JVM:%s", child.outputForMessage())
                        .exists();
            }
        }
    }

    /** Durations vary from run to run; nothing else may. */
    private static String normalize(String json) {
        return json.replaceAll("\"duration_ms\": \\d+", "\"duration_ms\": 0");
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Path golden = GOLDEN.resolve(name + ".json");
        if (Boolean.getBoolean("golden.update") || !Files.exists(golden)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).as("report differs from %s (rerun with -Dgolden.update=true if the change is deliberate)",
                golden).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
