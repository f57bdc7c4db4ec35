package dev.opsworkbook.grading.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllPassSuite {

    @Test
    @Points(40)
    @Tag("task:1")
    @DisplayName("adds two numbers")
    void adds() {
        assertThat(SampleLearnerCode.add(2, 2)).isEqualTo(4);
    }

    @Nested
    @Tag("task:2")
    @Points(20)
    @Hint("Greetings start with 'Hello, '.")
    @DisplayName("Greeting")
    class Greeting {
        @Test
        @DisplayName("says hello")
        void hello() {
            assertThat(SampleLearnerCode.greet("Ada")).isEqualTo("Hello, Ada");
        }

        @ParameterizedTest(name = "name {0}")
        @ValueSource(strings = {"Bob", "Zoë"})
        @DisplayName("greets any name")
        void anyName(String name) {
            assertThat(SampleLearnerCode.greet(name)).endsWith(name);
        }
    }

    @Test
    @Points(20)
    @Tag("task:2")
    @DisplayName("is written last and reported last")
    void zLast() {
        assertThat(SampleLearnerCode.add(-1, 1)).isZero();
    }
}
