package dev.opsworkbook.grading.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InfiniteLoopSuite {

    @Test
    @Points(50)
    @DisplayName("calls learner code that never returns")
    void loops() {
        SampleLearnerCode.spinForever();
    }

    @Test
    @Points(50)
    @DisplayName("still runs after the loop")
    void after() {
        assertThat(SampleLearnerCode.add(2, 3)).isEqualTo(5);
    }
}
