package dev.opsworkbook.cache;

import java.util.Optional;

/**
 * The origin of the data: what the cache sits in front of (a slow database, a remote API).
 *
 * <p>It may be slow and it may fail. It is called from the thread of a {@code get} that missed both levels, at most
 * once at a time per key within one {@link CachedKv} (single-flight).
 */
@FunctionalInterface
public interface Loader {
    /**
     * The current value of {@code key} at the origin.
     *
     * @return the value, or {@link Optional#empty()} when the key does not exist there ("not found" is an answer, and
     *     is cached as one for {@link Settings#negativeTtl()})
     * @throws Exception when the origin failed (nothing is cached then)
     */
    Optional<String> load(String key) throws Exception;
}
