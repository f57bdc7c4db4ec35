package dev.opsworkbook.grading.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SystemExitSuite {

    @Test
    @Points(30)
    @DisplayName("runs before the exit")
    void before() {
        assertThat(SampleLearnerCode.add(1, 1)).isEqualTo(2);
    }

    @Test
    @Points(30)
    @DisplayName("calls learner code that exits the JVM")
    void exits() {
        SampleLearnerCode.quitEarly();
    }

    @Test
    @Points(40)
    @DisplayName("would pass, but never runs")
    void after() {
        assertThat(SampleLearnerCode.add(2, 2)).isEqualTo(4);
    }
}
