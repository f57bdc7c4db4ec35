package dev.opsworkbook.grading.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Earns 50 of 100 points honestly; the learner code it calls ({@link #attack}) tries for more. */
abstract class AttackSuite {

    /** One of {@link Forgery}'s attacks. */
    abstract void attack() throws Exception;

    @Test
    @Points(50)
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
