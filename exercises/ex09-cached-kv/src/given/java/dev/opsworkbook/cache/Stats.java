package dev.opsworkbook.cache;

/**
 * A snapshot of a {@link CachedKv}'s counters since it was created (see the README for exactly what each counts).
 *
 * @param hits        {@code get} calls answered from L1 (a cached "not found" included)
 * @param misses      {@code get} calls that L1 could not answer
 * @param loads       calls of the {@link Loader}
 * @param loadFailures calls of the {@link Loader} that threw
 * @param coalesced   {@code get} calls that waited for another caller's fetch of the same key instead of starting one
 * @param redisErrors Redis commands that failed (error reply, timeout, no connection); a request refused by the open
 *                    breaker is not one
 * @param evictions   L1 entries removed to stay within {@link Settings#maxEntries()} (expiry and invalidation are not
 *                    evictions)
 * @param size        entries in L1 now, "not found" entries included (expired entries not yet removed may count)
 * @param breaker     the circuit breaker's state now
 */
public record Stats(long hits, long misses, long loads, long loadFailures, long coalesced, long redisErrors,
                    long evictions, int size, BreakerState breaker) {
}
