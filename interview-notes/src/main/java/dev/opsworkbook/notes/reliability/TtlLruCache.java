package dev.opsworkbook.notes.reliability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/** Q18: a small bounded LRU cache with a time-to-live, and an injected clock so expiry is testable. */
public final class TtlLruCache<K, V> {

    private record Timed<V>(V value, long expiresAtNanos) {
    }

    // @start region=lru-ttl
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<K, Timed<V>> map;

    public TtlLruCache(int maxSize, Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
        // accessOrder=true: get() moves an entry to the tail, so the head is the least recently used
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Timed<V>> eldest) {
                return size() > maxSize;
            }
        };
    }

    public synchronized Optional<V> get(K key) {     // LinkedHashMap is not thread-safe: one lock
        Timed<V> e = map.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (nanoClock.getAsLong() - e.expiresAtNanos() >= 0) {  // overflow-safe nanoTime comparison
            map.remove(key);                                    // lazy expiry on read
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    public synchronized void put(K key, V value) {
        map.put(key, new Timed<>(value, nanoClock.getAsLong() + ttlNanos));
    }
    // @end region=lru-ttl

    public synchronized int size() {
        return map.size();
    }

    // @start region=jitter
    /** TTL with +-10% jitter: keys loaded together do not all expire (and reload) in the same second. */
    static Duration jittered(Duration ttl) {
        long spread = ttl.toMillis() / 10;
        return ttl.plusMillis(ThreadLocalRandom.current().nextLong(-spread, spread + 1));
    }
    // @end region=jitter
}
