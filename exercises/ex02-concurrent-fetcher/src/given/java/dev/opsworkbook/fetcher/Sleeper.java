package dev.opsworkbook.fetcher;

import java.time.Duration;

/**
 * Waits between attempts, and tells the time the overall deadline is measured with. Tests inject a fake that
 * records every delay and advances its own clock instead of sleeping: so every retry waits through
 * {@link #sleep(Duration)} exactly once, also when its delay is zero.
 */
public interface Sleeper {

    /** The real thing: {@link Thread#sleep(Duration)} and {@link System#nanoTime()}. */
    Sleeper SYSTEM = Thread::sleep;

    /** Waits {@code delay}; throws {@link InterruptedException} if the thread is interrupted meanwhile. */
    void sleep(Duration delay) throws InterruptedException;

    /** A monotonic clock in nanoseconds, as {@link System#nanoTime()}. */
    default long nanoTime() {
        return System.nanoTime();
    }
}
