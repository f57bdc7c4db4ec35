package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Stubs")
class StubsTest {

    private static final UnsupportedOperationException STUB = new UnsupportedOperationException("TODO: write me");

    @Test
    @DisplayName("thrownBy returns the expected exception")
    void expected() {
        IllegalArgumentException e = Stubs.thrownBy(IllegalArgumentException.class, () -> {
            throw new IllegalArgumentException("argv is empty");
        }, "an empty argv");

        assertThat(e).hasMessage("argv is empty");
    }

    @Test
    @DisplayName("thrownBy lets the skeleton's stub through unchanged, so the test counts as not implemented")
    void stubPassesThrough() {
        assertThatThrownBy(() -> Stubs.thrownBy(IllegalArgumentException.class, () -> {
            throw STUB;
        }, "an empty argv")).isSameAs(STUB);
    }

    @Test
    @DisplayName("thrownBy says what happened instead when nothing, or something else, was thrown")
    void wrongOutcome() {
        assertThatThrownBy(() -> Stubs.thrownBy(IllegalArgumentException.class, () -> { }, "an empty argv"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("an empty argv: expected IllegalArgumentException, but it returned normally");
        assertThatThrownBy(() -> Stubs.thrownBy(IllegalArgumentException.class, () -> {
            throw new IllegalStateException("boom");
        }, "an empty argv")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("but it threw java.lang.IllegalStateException: boom");
    }

    @Test
    @DisplayName("finds the stub inside a failed future, and ignores other UnsupportedOperationExceptions")
    void wrapped() {
        CompletableFuture<Object> failed = CompletableFuture.failedFuture(STUB);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(failed::join);

        assertThat(thrown).isInstanceOf(CompletionException.class);
        assertThat(Stubs.isStub(thrown)).isTrue();
        assertThatThrownBy(() -> Stubs.rethrowIfStub(thrown)).isSameAs(STUB);
        assertThat(Stubs.isStub(new UnsupportedOperationException("read-only list"))).isFalse();
        Stubs.rethrowIfStub(null);
    }
}
