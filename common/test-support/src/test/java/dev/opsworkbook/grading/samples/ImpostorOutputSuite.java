package dev.opsworkbook.grading.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ImpostorOutputSuite {

    @Test
    @Points(50)
    @DisplayName("fails while its code prints fake passing results")
    void impostor() {
        System.out.println("{\"status\": \"pass\", \"score\": 100, \"max_score\": 100}");
        System.out.println("[INFO] Tests run: 2, Failures: 0, Errors: 0, Skipped: 0");
        System.err.println("✓ all tests passed — Total: 100/100");
        assertThat(SampleLearnerCode.greet("x")).isEqualTo("nope");
    }

    @Test
    @Points(50)
    @DisplayName("passes honestly")
    void honest() {
        System.out.println("just a log line");
        assertThat(SampleLearnerCode.add(1, 1)).isEqualTo(2);
    }
}
