package dev.opsworkbook.notes.reliability;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.function.Function;

/** Q18: the production answer: Caffeine, with per-key single-flight loading and an injectable ticker. */
public final class CaffeineCaches {

    private CaffeineCaches() {
    }

    // @start region=caffeine
    static <K, V> LoadingCache<K, V> build(Function<K, V> loader, Ticker ticker) {
        return Caffeine.newBuilder()
                .maximumSize(10_000)                     // bounded: W-TinyLFU eviction
                .expireAfterWrite(Duration.ofMinutes(5)) // TTL
                .refreshAfterWrite(Duration.ofMinutes(1))// serve stale while one caller reloads in the background
                .ticker(ticker)                          // Ticker.systemTicker() in production, a fake in tests
                .recordStats()                           // hit rate, load time: export them as metrics
                .build(loader::apply);                   // get(k): one load per key at a time (no stampede)
    }
    // @end region=caffeine
}
