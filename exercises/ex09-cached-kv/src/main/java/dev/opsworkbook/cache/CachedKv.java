package dev.opsworkbook.cache;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A two-level read-through cache: L1 in this JVM (a bounded LRU with per-entry TTL on {@link Settings#ticker()}, TTL
 * jitter, and "not found" remembered for {@link Settings#negativeTtl()}), L2 in Redis, and a {@link Loader} behind
 * both. Thread-safe. The README's "What you build" is the full contract; the Javadoc here is its summary.
 */
public final class CachedKv implements AutoCloseable {

    /**
     * Connects to Redis at {@link Settings#redisHost()}:{@link Settings#redisPort()} and subscribes to
     * {@link Settings#invalidationChannel()}. Returns once subscribed, or after {@link Settings#redisTimeout()} if
     * Redis cannot be reached (then it keeps trying in the background; the constructor does not throw for that).
     * When the subscription breaks later, it subscribes again and then clears L1 (messages may have been missed).
     */
    public CachedKv(Settings settings, Loader loader) {
        throw new UnsupportedOperationException("TODO: connect to Redis, subscribe to invalidations, set up L1");
    }

    /**
     * The value of {@code key}, or empty when the origin does not have it. L1 first (a hit never touches Redis);
     * on a miss Redis {@code GET}; if Redis lacks it, the loader, and the value is written back with
     * {@code SET key value PX ttl}. Concurrent misses of one key share one fetch (1 GET, at most 1 load); a caller
     * that waits for another's fetch waits at most {@link Settings#waitTimeout()}.
     *
     * @throws LoadFailedException        the loader threw (nothing cached)
     * @throws RedisUnavailableException  Redis failed, timed out, or the breaker is open (misses only)
     * @throws WaitTimeoutException       waited {@link Settings#waitTimeout()} for another caller's fetch
     * @throws IllegalStateException      after {@link #close()}
     */
    public Optional<String> get(String key) {
        throw new UnsupportedOperationException("TODO: L1, then Redis GET, then the loader, single-flight per key");
    }

    /**
     * The values of the keys that have one, in the order asked: L1 first, then Redis for the rest in batches of at
     * most {@link Settings#warmUpBatch()} keys, then the loader (single-flight, as {@link #get}) for what Redis lacks.
     */
    public Map<String, String> getAll(Collection<String> keys) {
        throw new UnsupportedOperationException("TODO: L1, then one batched Redis read, then the loader");
    }

    /**
     * Writes {@code key} to Redis ({@code SET PX} with a jittered TTL), then L1, then publishes the key on
     * {@link Settings#invalidationChannel()} so other instances drop their copy.
     *
     * @throws RedisUnavailableException the write failed or the breaker is open (L1 then holds no value for the key)
     */
    public void put(String key, String value) {
        throw new UnsupportedOperationException("TODO: SET PX in Redis, L1, publish");
    }

    /**
     * Removes {@code key} from L1 and Redis ({@code DEL}) and publishes it, so every other instance removes it from
     * its L1.
     *
     * @throws RedisUnavailableException Redis failed or the breaker is open (L1 is cleared of the key anyway)
     */
    public void invalidate(String key) {
        throw new UnsupportedOperationException("TODO: L1 remove, DEL, publish");
    }

    /**
     * Copies the values Redis has for {@code keys} into L1 with one {@code MGET} (or one pipeline of {@code GET}s) per
     * {@link Settings#warmUpBatch()} keys, and returns how many Redis had. No loader call, no "not found" entries.
     */
    public int warmUp(Collection<String> keys) {
        throw new UnsupportedOperationException("TODO: batched MGET or pipelined GETs into L1");
    }

    /** The counters and state now (see {@link Stats}). */
    public Stats stats() {
        throw new UnsupportedOperationException("TODO: hits, misses, loads, ... as a Stats");
    }

    /**
     * Ends the invalidation subscriber thread and closes every Redis connection; idempotent. Afterwards
     * {@code get}, {@code getAll}, {@code put}, {@code invalidate} and {@code warmUp} throw
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO: stop the subscriber, close the pool");
    }
}
