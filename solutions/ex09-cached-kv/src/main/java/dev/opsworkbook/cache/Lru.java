package dev.opsworkbook.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * L1: a bounded map in least-recently-used order whose entries expire on the injected ticker. A
 * {@link LinkedHashMap} in access order does the bookkeeping (a read moves the entry to the young end); one lock
 * guards it, held for a few pointer moves and never across I/O. The stored {@code Optional} is handed out as it is,
 * so a hit allocates nothing.
 */
final class Lru {

    /** A value (empty: "not found" at the origin) and the ticker reading at which it expires. */
    record Entry(Optional<String> value, long expiresAt) {
    }

    private final int maxEntries;
    private final LinkedHashMap<String, Entry> map;
    private long evictions;

    Lru(int maxEntries) {
        this.maxEntries = maxEntries;
        this.map = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The live entry for {@code key} (now the most recently used), or null; an expired one is dropped. */
    synchronized @Nullable Entry get(String key, long now) {
        Entry entry = map.get(key);
        if (entry == null) {
            return null;
        }
        if (now - entry.expiresAt() >= 0) { // subtract: nanoTime may be negative or wrap
            map.remove(key);
            return null;
        }
        return entry;
    }

    /** Adds or replaces {@code key}, then evicts from the old end until the size bound holds again. */
    synchronized void put(String key, Entry entry) {
        map.put(key, entry);
        Iterator<Map.Entry<String, Entry>> eldest = map.entrySet().iterator();
        while (map.size() > maxEntries) {
            eldest.next();
            eldest.remove();
            evictions++;
        }
    }

    synchronized void remove(String key) {
        map.remove(key);
    }

    synchronized void clear() {
        map.clear();
    }

    synchronized int size() {
        return map.size();
    }

    synchronized long evictions() {
        return evictions;
    }
}
