package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The report's JSON codec")
class JsonReportCodecTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    @DisplayName("reads every golden results.json and writes it back byte for byte")
    void goldenRoundTrip() throws IOException {
        for (String name : List.of("all-pass", "some-fail", "system-exit", "infinite-loop", "impostor-output")) {
            String text = Files.readString(GOLDEN.resolve(name + ".json"));

            assertThat(Json.write(Json.readExercise(text))).as(name).isEqualTo(text);
        }
    }

    @Test
    @DisplayName("reads a combined report back to the same records")
    void reportRoundTrip() {
        Results.Test test = new Results.Test("a › b", "fail", "boom\n\"quoted\"", null, 2, 0, 10, 12, "a hint", true);
        Results.Report report = new Results.Report(Results.REPORT_FORMAT, "exercises", null, 0, 100,
                List.of(new Results.Exercise(Results.EXERCISE_FORMAT, "ex05-safe-exec", "fail", null, 0, 100,
                        List.of(test))));

        assertThat(Json.readReport(Json.write(report))).isEqualTo(report);
    }

    @Test
    @DisplayName("takes defaults for fields an older or hand-written results.json lacks")
    void missingFields() {
        Results.Exercise e = Json.readExercise("""
                {"slug": "ex01", "status": "pass", "score": 10, "max_score": 10,
                 "tests": [{"name": "only", "status": "pass", "points": 10, "max_points": 10}]}""");

        assertThat(e.tests()).singleElement().satisfies(t -> {
            assertThat(t.taskId()).isNull();
            assertThat(t.notImplemented()).isFalse();
            assertThat(t.passed()).isTrue();
        });
    }

    @Test
    @DisplayName("rejects a results file that is not a JSON object, saying what it expected")
    void notAnObject() {
        assertThatThrownBy(() -> Json.readExercise("[1, 2]")).hasMessageContaining("must be a JSON object");
    }
}
