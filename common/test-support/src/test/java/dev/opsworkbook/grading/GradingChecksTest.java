package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("verify's bug-zoo verdict (check-caught)")
class GradingChecksTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Test
    @DisplayName("a variant on which every test passes is not caught: it is not a bug, or the suite misses it")
    void allPassIsNotCaught() throws IOException {
        Path results = results(test("first", "pass", null), test("second", "pass", null));

        assertThat(check("--expect", "first", results.toString())).isEqualTo(1);
        assertThat(printed()).contains("every graded test passed");
    }

    @Test
    @DisplayName("tests skipped after the first failure, or never run, catch nothing by themselves")
    void skippedIsNotCaught() throws IOException {
        Path results = results(test("first", "pass", null), test("second", "fail", "skipped: Execution cancelled"),
                test("third", "error", "not run: the test JVM stopped"));

        assertThat(check(results.toString())).isEqualTo(1);
    }

    @Test
    @DisplayName("a variant caught by the expected test is caught, and the test is named")
    void caughtAsExpected() throws IOException {
        Path results = results(test("first", "pass", null), test("second", "fail", "expected 3 but was 4"));

        assertThat(check("--expect", "second", results.toString())).isZero();
        assertThat(printed()).contains("caught by: second").doesNotContain("not the test");
    }

    @Test
    @DisplayName("a variant caught by another test than BUG.md names is caught, and says so")
    void caughtByAnotherTest() throws IOException {
        Path results = results(test("first", "fail", "boom"), test("second", "fail", "skipped: cancelled"));

        assertThat(check("--expect", "second", results.toString())).isZero();
        assertThat(printed()).contains("caught by: first", "not the test BUG.md's caught-by line names: 'second'");
    }

    @Test
    @DisplayName("no results file is not a catch")
    void noResults() throws IOException {
        assertThat(check(dir.resolve("missing.json").toString())).isEqualTo(1);
        assertThat(printed()).contains("no results");
    }

    private int check(String... args) throws IOException {
        return GradingChecks.checkCaught(List.of(args), new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static String test(String name, String status, String message) {
        return "{\"name\": \"" + name + "\", \"status\": \"" + status + "\", \"message\": "
                + (message == null ? "null" : "\"" + message + "\"") + ", \"points\": 0, \"max_points\": 10}";
    }

    private Path results(String... tests) throws IOException {
        Path file = dir.resolve("results.json");
        Files.writeString(file, "{\"version\": 3, \"slug\": \"ex00\", \"status\": \"fail\", \"score\": 0,"
                + " \"max_score\": 100, \"tests\": [" + String.join(", ", tests) + "]}");
        return file;
    }
}
