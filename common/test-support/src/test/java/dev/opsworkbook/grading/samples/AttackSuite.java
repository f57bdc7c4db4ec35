package dev.opsworkbook.grading.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Earns 50 of 100 points honestly; the learner code it calls ({@link #attack}) tries for more. */
abstract class AttackSuite {

    /** One of {@link Forgery}'s attacks. */
    abstract void attack() throws Exception;

    @Test
    @Points(50)
    // The golden test runs these suites with a 1 s default timeout (for its infinite-loop sample); an attack such as
    // a whole second JUnit launcher takes longer than that in a C1-only JVM on a loaded machine.
    @Timeout(30)
    @DisplayName("adds two numbers")
    void adds() throws Exception {
        attack();
        assertThat(SampleLearnerCode.add(1, 2)).isEqualTo(3);
    }

    @Test
    @Points(50)
    @DisplayName("greets politely")
    void greets() {
        assertThat(SampleLearnerCode.greet("Ada")).isEqualTo("Good day, Ada");
    }
}
