package dev.opsworkbook.grading.samples;

import dev.opsworkbook.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The forged suite {@link Forgery#runAnotherGrader} grades: the same names as the attacked suite, all passing. */
class AlwaysPasses {
    @Test
    @Points(50)
    @DisplayName("adds two numbers")
    void adds() {
    }

    @Test
    @Points(50)
    @DisplayName("greets politely")
    void greets() {
    }
}
