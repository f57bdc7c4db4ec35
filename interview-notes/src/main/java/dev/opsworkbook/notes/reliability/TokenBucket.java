package dev.opsworkbook.notes.reliability;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Q10: a token bucket. It holds at most {@code burst} tokens and refills at {@code ratePerSecond}; each
 * call takes one. (The seed's Python version capped tokens at {@code rate}, so the configured burst could
 * never happen: see the regression test.)
 */
public final class TokenBucket {

    /** Sleeps; injected so tests do not. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastRefill;

    // @start region=bucket
    public TokenBucket(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;          // System::nanoTime in production: monotonic, unlike wall time
        this.tokens = burst;                 // start full
        this.lastRefill = nanoClock.getAsLong();
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastRefill) * ratePerNano); // cap at BURST, not rate
        lastRefill = now;
    }

    /** Takes a token if one is there; never waits. */
    public synchronized boolean tryAcquire() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until a token is available (zero if one is there now). */
    public synchronized Duration timeUntilNextToken() {
        refill();
        return tokens >= 1 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil((1 - tokens) / ratePerNano));
    }
    // @end region=bucket

    // @start region=acquire
    /** Waits for a token. The sleep happens outside the lock, so waiting callers do not block each other. */
    public void acquire(Sleeper sleeper) throws InterruptedException {
        while (true) {
            long waitNanos;
            synchronized (this) {
                refill();
                if (tokens >= 1) {
                    tokens -= 1;
                    return;
                }
                waitNanos = (long) Math.ceil((1 - tokens) / ratePerNano);
            }
            sleeper.sleepNanos(waitNanos);   // InterruptedException propagates: the caller decides
        }
    }
    // @end region=acquire
}
