package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a skeleton's failures honest. Every method a learner has not written yet throws
 * {@code UnsupportedOperationException("TODO ...")}, and the grader reports a test failing with it as
 * "not implemented yet". A test that catches exceptions (to expect one, or from a future or a child JVM)
 * must let that stub exception through unchanged instead of turning it into some other failure.
 */
public final class Stubs {
    private Stubs() {
    }

    /** Whether {@code thrown}, or what it wraps, is a skeleton's {@code UnsupportedOperationException("TODO ...")}. */
    public static boolean isStub(Throwable thrown) {
        return stub(thrown) != null;
    }

    /** Rethrows the skeleton's stub exception if {@code thrown} is (or wraps, e.g. in a future) one. */
    public static void rethrowIfStub(Throwable thrown) {
        UnsupportedOperationException stub = stub(thrown);
        if (stub != null) {
            throw stub;
        }
    }

    /**
     * What {@code call} threw, which must be a {@code type}; {@code situation} says what was attempted, for
     * the failure message. A stub's exception is rethrown as it is.
     */
    public static <T extends Throwable> T thrownBy(Class<T> type, ThrowingCallable call, String situation) {
        Throwable thrown = catchThrowable(call);
        rethrowIfStub(thrown);
        if (thrown == null) {
            throw new AssertionError(situation + ": expected " + type.getSimpleName() + ", but it returned normally");
        }
        if (!type.isInstance(thrown)) {
            throw new AssertionError(situation + ": expected " + type.getSimpleName() + ", but it threw " + thrown,
                    thrown);
        }
        return type.cast(thrown);
    }

    /** Fails as "not implemented" when the child JVM died on a stub (it printed the exception to stderr). */
    public static void rethrowIfChildHitStub(ChildJvm jvm) {
        String stderr = jvm.stderr();
        int at = stderr.indexOf("UnsupportedOperationException: TODO");
        if (at >= 0) {
            int end = stderr.indexOf('\n', at);
            throw new UnsupportedOperationException("TODO (in the child JVM): "
                    + stderr.substring(at, end < 0 ? stderr.length() : end));
        }
    }

    private static @Nullable UnsupportedOperationException stub(@Nullable Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnsupportedOperationException u && String.valueOf(u.getMessage()).startsWith("TODO")) {
                return u;
            }
        }
        return null;
    }
}
