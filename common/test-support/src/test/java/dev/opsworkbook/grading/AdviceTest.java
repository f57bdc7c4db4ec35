package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Static-analysis advice in the grading report")
class AdviceTest {

    private static final String LOG = """
            [INFO] --- compiler:3.16.0:compile (default-compile) @ ex04-worker-pool ---
            [WARNING] /w/exercises/ex04-worker-pool/src/main/java/dev/ow/WorkerPool.java:[88,20] [FutureReturnValueIgnored] \
            Return value of methods returning Future must be checked.
            [WARNING] /w/exercises/ex04-worker-pool/src/main/java/dev/ow/WorkerPool.java:[88,20] [FutureReturnValueIgnored] \
            Return value of methods returning Future must be checked.
            [WARNING] /w/exercises/ex04-worker-pool/src/given/java/dev/ow/PoolStats.java:[3,1] [ArrayRecordComponent] not yours
            [WARNING] /w/exercises/ex05-safe-exec/src/main/java/dev/ow/SafeExec.java:[9,1] [UnusedVariable] another exercise
            [WARNING] /w/exercises/ex04-worker-pool/src/main/java/dev/ow/Other.java:[12,5] deprecation without a check name
            """;

    @TempDir
    Path root;

    @Test
    @DisplayName("lists each finding in the learner's own files once, as File.java:line — what (Check)")
    void advice() throws IOException {
        List<String> advice = new GradeReport(root, "exercises", null, LOG).advice("ex04-worker-pool");

        assertThat(advice).containsExactly("WorkerPool.java:88 — Return value of methods returning Future must be"
                + " checked. (FutureReturnValueIgnored)");
    }

    @Test
    @DisplayName("is kept while the code stays the same: a build that compiled nothing shows the last findings")
    void keptWhileUnchanged() throws IOException {
        Files.createDirectories(root.resolve("exercises/ex04-worker-pool/target"));
        new GradeReport(root, "exercises", null, LOG).advice("ex04-worker-pool");

        String upToDate = """
                [INFO] --- compiler:3.16.0:compile (default-compile) @ ex04-worker-pool ---
                [INFO] Nothing to compile - all classes are up to date.
                [INFO] --- surefire:3.6.1:test (default-test) @ ex04-worker-pool ---
                """;
        assertThat(new GradeReport(root, "exercises", null, upToDate).advice("ex04-worker-pool"))
                .singleElement().asString().startsWith("WorkerPool.java:88 — ");
    }

    @Test
    @DisplayName("costs no points: the exercise scores what its tests earned, and carries the advice beside it")
    void adviceIsNotScored() throws IOException {
        Path results = root.resolve("exercises/ex04-worker-pool/target/grading/results.json");
        Files.createDirectories(results.getParent());
        Files.writeString(results, """
                {"version": 3, "slug": "ex04-worker-pool", "status": "pass", "message": null, "score": 100,
                 "max_score": 100, "tests": [{"name": "all", "status": "pass", "points": 100, "max_points": 100}]}
                """);

        Results.Report report = new GradeReport(root, "exercises", null, LOG).build(List.of("ex04-worker-pool"));

        assertThat(report.score()).isEqualTo(100);
        assertThat(report.exercises().getFirst().advice()).hasSize(1);
        assertThat(GradeReport.scoreboard(report)).contains("advice: WorkerPool.java:88 — ");
        assertThat(Json.write(report)).contains("\"advice\": [");
    }
}
