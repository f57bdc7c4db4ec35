package dev.opsworkbook.compress;

import java.time.Duration;

/**
 * How the compressor waits between two attempts at one file (the backoff). Given: do not change this type.
 * Tests inject one that records the waits instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

    /** {@link Thread#sleep(Duration)}. */
    Sleeper SYSTEM = Thread::sleep;

    /**
     * Waits for {@code duration}.
     *
     * @throws InterruptedException if the waiting thread is interrupted: the compressor treats that as cancellation
     */
    void sleep(Duration duration) throws InterruptedException;
}
