package dev.opsworkbook.grading.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("task:1")
@Points(20)
class SomeFailSuite {

    @Test
    @DisplayName("adds two numbers")
    void adds() {
        assertThat(SampleLearnerCode.add(1, 2)).isEqualTo(3);
    }

    @Test
    @Hint("Read the greeting format in the README.")
    @DisplayName("greets politely")
    void greets() {
        assertThat(SampleLearnerCode.greet("Ada")).as("greeting for Ada").isEqualTo("Good day, Ada");
    }

    @Test
    @DisplayName("multiplies")
    void multiplies() {
        assertThat(SampleLearnerCode.multiply(2, 3)).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0} + 0")
    @ValueSource(ints = {0, 7, -3})
    @DisplayName("adding zero changes nothing, but one invocation is wrong")
    void addsZero(int n) {
        assertThat(SampleLearnerCode.add(n, 0)).isEqualTo(n == 7 ? 8 : n);
    }

    @Test
    @Disabled("a learner may not switch a graded test off")
    @DisplayName("still runs when disabled")
    void disabledByLearner() {
        assertThat(SampleLearnerCode.add(0, 0)).isZero();
    }
}
