package dev.opsworkbook.cache;

/**
 * A source of nanoseconds for everything the cache times with its own clock: L1 time-to-live and the circuit breaker.
 * Tests inject a fake one they advance by hand; Redis keeps its own time for its keys' TTLs.
 */
@FunctionalInterface
public interface Ticker {
    /** Nanoseconds from an arbitrary origin; only differences between two reads mean something. */
    long read();

    /** {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
