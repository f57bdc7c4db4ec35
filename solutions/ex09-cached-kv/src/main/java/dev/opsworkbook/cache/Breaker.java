package dev.opsworkbook.cache;

/**
 * A consecutive-failures circuit breaker on the injected ticker: CLOSED counts failures; at the threshold it opens;
 * after {@code openFor} the first request through is the one probe (HALF_OPEN), and its outcome closes or re-opens it.
 */
final class Breaker {

    private final int threshold;
    private final long openForNanos;
    private BreakerState state = BreakerState.CLOSED;
    private int failures;
    private long openedAt;
    private boolean probing;

    Breaker(int threshold, long openForNanos) {
        this.threshold = threshold;
        this.openForNanos = openForNanos;
    }

    /** Whether a request may go to Redis now; in HALF_OPEN only one (the probe) until it reports back. */
    synchronized boolean allow(long now) {
        return switch (state(now)) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> {
                if (probing) {
                    yield false;
                }
                state = BreakerState.HALF_OPEN;
                probing = true;
                yield true;
            }
        };
    }

    synchronized void success() {
        state = BreakerState.CLOSED;
        failures = 0;
        probing = false;
    }

    synchronized void failure(long now) {
        probing = false;
        if (state != BreakerState.CLOSED || ++failures >= threshold) {
            state = BreakerState.OPEN;
            openedAt = now;
        }
    }

    /** The state as a caller sees it: an OPEN breaker whose time is up reads HALF_OPEN. */
    synchronized BreakerState state(long now) {
        if (state == BreakerState.OPEN && now - openedAt >= openForNanos) {
            return BreakerState.HALF_OPEN;
        }
        return state;
    }
}
