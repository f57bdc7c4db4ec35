package dev.opsworkbook.cache;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The test's origin: a map of values, a counter of loader calls per key and in all, and an optional hook per load. */
final class Origin implements Loader {

    /** Runs inside a load, before the value is read: block, fail, or call the cache back. */
    @FunctionalInterface
    interface Hook {
        void during(String key) throws Exception;
    }

    final Map<String, String> values = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile Hook hook = key -> { };

    Origin with(String key, String value) {
        values.put(key, value);
        return this;
    }

    int calls(String key) {
        AtomicInteger n = perKey.get(key);
        return n == null ? 0 : n.get();
    }

    @Override
    public Optional<String> load(String key) throws Exception {
        calls.incrementAndGet();
        perKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        hook.during(key);
        return Optional.ofNullable(values.get(key));
    }
}
