package dev.opsworkbook.fetcher;

import java.time.Duration;

/**
 * How a {@link ConcurrentFetcher} fetches: plain data, checked by the fetcher's constructor (not here), so
 * that a test can build invalid settings on purpose.
 *
 * @param maxInFlight      at most this many requests on the wire at once (≥ 1)
 * @param callTimeout      whole-call deadline of one attempt: connect, write, wait and read the whole body (> 0)
 * @param maxAttempts      attempts per URL, the first one included (≥ 1)
 * @param baseDelay        backoff base: the delay before retry n is drawn from
 *                         {@code [0, min(maxDelay, baseDelay·2^(n-1))]} (≥ 0)
 * @param maxDelay         backoff cap (≥ baseDelay)
 * @param maxRetryAfter    a server's {@code Retry-After} is obeyed up to this long (≥ 0)
 * @param overallDeadline  after this long from the start of {@code fetchAll}, no new attempt starts (> 0)
 * @param retryBudgetRatio retries allowed per first attempt started, over the whole batch (0.2 means a batch may
 *                         send at most 20% extra requests); {@code Double.POSITIVE_INFINITY} means no budget (≥ 0)
 */
public record FetchSettings(
        int maxInFlight,
        Duration callTimeout,
        int maxAttempts,
        Duration baseDelay,
        Duration maxDelay,
        Duration maxRetryAfter,
        Duration overallDeadline,
        double retryBudgetRatio) {

    /** 200 in flight, 10 s per attempt, 4 attempts, backoff 100 ms capped at 5 s, Retry-After up to 30 s,
     * 2 minutes overall, no retry budget. */
    public static FetchSettings defaults() {
        return new FetchSettings(200, Duration.ofSeconds(10), 4, Duration.ofMillis(100), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofMinutes(2), Double.POSITIVE_INFINITY);
    }

    public FetchSettings withMaxInFlight(int value) {
        return new FetchSettings(value, callTimeout, maxAttempts, baseDelay, maxDelay, maxRetryAfter,
                overallDeadline, retryBudgetRatio);
    }

    public FetchSettings withCallTimeout(Duration value) {
        return new FetchSettings(maxInFlight, value, maxAttempts, baseDelay, maxDelay, maxRetryAfter,
                overallDeadline, retryBudgetRatio);
    }

    public FetchSettings withMaxAttempts(int value) {
        return new FetchSettings(maxInFlight, callTimeout, value, baseDelay, maxDelay, maxRetryAfter,
                overallDeadline, retryBudgetRatio);
    }

    /** Sets the backoff base and cap together. */
    public FetchSettings withBackoff(Duration base, Duration cap) {
        return new FetchSettings(maxInFlight, callTimeout, maxAttempts, base, cap, maxRetryAfter,
                overallDeadline, retryBudgetRatio);
    }

    public FetchSettings withMaxRetryAfter(Duration value) {
        return new FetchSettings(maxInFlight, callTimeout, maxAttempts, baseDelay, maxDelay, value,
                overallDeadline, retryBudgetRatio);
    }

    public FetchSettings withOverallDeadline(Duration value) {
        return new FetchSettings(maxInFlight, callTimeout, maxAttempts, baseDelay, maxDelay, maxRetryAfter,
                value, retryBudgetRatio);
    }

    public FetchSettings withRetryBudgetRatio(double value) {
        return new FetchSettings(maxInFlight, callTimeout, maxAttempts, baseDelay, maxDelay, maxRetryAfter,
                overallDeadline, value);
    }
}
