package dev.opsworkbook.grading.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An honest suite whose two tests share a report name: the grading channel must not mix them up. */
class DuplicateNamesSuite {

    @Test
    @Points(50)
    @DisplayName("works")
    void adds() {
        assertThat(SampleLearnerCode.add(1, 2)).isEqualTo(3);
    }

    @Test
    @Points(50)
    @DisplayName("works")
    void greets() {
        assertThat(SampleLearnerCode.greet("Ada")).isEqualTo("Good day, Ada");
    }
}
