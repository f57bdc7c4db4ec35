package dev.opsworkbook.notes.reliability;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Q9: retries for idempotent calls: capped exponential backoff with full jitter, only for retryable
 * errors, honouring Retry-After, never past an overall deadline, and never swallowing an interrupt.
 */
public final class Retry {

    /** Sleeps; injected so tests do not. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** A failure that tells the caller when to come back (HTTP 429/503 with Retry-After). */
    public static final class RetryAfterException extends Exception {
        private final Duration retryAfter;

        public RetryAfterException(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private final int maxAttempts;
    private final Duration base;
    private final Duration cap;
    private final Duration deadline;
    private final Predicate<Exception> retryable;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public Retry(int maxAttempts, Duration base, Duration cap, Duration deadline, Predicate<Exception> retryable,
                 LongSupplier nanoClock, Sleeper sleeper, RandomGenerator random) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        this.maxAttempts = maxAttempts;
        this.base = base;
        this.cap = cap;
        this.deadline = deadline;
        this.retryable = Objects.requireNonNull(retryable);
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.random = random;
    }

    // @start region=call
    public <T> T call(Callable<T> op) throws Exception {
        long giveUpAt = nanoClock.getAsLong() + deadline.toNanos();
        Exception last = null;
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            try {
                return op.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();            // restore, then stop: someone wants us gone
                throw e;
            } catch (Exception e) {
                if (last != null) {
                    e.addSuppressed(last);                     // keep the history for the final error
                }
                last = e;
                if (!retryable.test(e) || attempt == maxAttempts - 1) {
                    throw e;
                }
                Duration wait = backoff(attempt);
                if (e instanceof RetryAfterException ra && ra.retryAfter().compareTo(wait) > 0) {
                    wait = ra.retryAfter();                    // the server knows better than our jitter
                }
                if (nanoClock.getAsLong() + wait.toNanos() > giveUpAt) {
                    throw e;                                   // sleeping would overrun the overall deadline
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    ie.addSuppressed(e);
                    throw ie;
                }
            }
        }
        throw Objects.requireNonNull(last);                    // not reached: the loop returns or throws
    }

    /** Full jitter: uniform in [0, min(cap, base * 2^attempt)], so retrying clients spread out. */
    Duration backoff(int attempt) {
        long ceiling = Math.min(cap.toNanos(), base.toNanos() << Math.min(attempt, 30));
        return Duration.ofNanos(random.nextLong(ceiling + 1));
    }
    // @end region=call

    /** Parses a Retry-After header given in seconds (the HTTP-date form is left out of this demo). */
    public static Optional<Duration> parseRetryAfterSeconds(String header) {
        if (header == null || !header.strip().matches("\\d{1,9}")) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(Long.parseLong(header.strip())));
    }
}
