package dev.opsworkbook.notes.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.opsworkbook.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@DisplayName("Q18: caching with size bound, TTL, and stampede protection")
class CachesTest {

    final AtomicLong clock = new AtomicLong();

    @Test
    @DisplayName("the LRU evicts the least recently used entry, not the oldest inserted")
    void lruEviction() {
        TtlLruCache<String, Integer> cache = new TtlLruCache<>(2, Duration.ofMinutes(1), clock::get);
        cache.put("a", 1);
        cache.put("b", 2);
        assertThat(cache.get("a")).contains(1); // a is now the most recently used
        cache.put("c", 3);
        assertThat(cache.get("b")).as("b was least recently used").isEmpty();
        assertThat(cache.get("a")).contains(1);
        assertThat(cache.get("c")).contains(3);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    @DisplayName("entries expire exactly at their TTL (fake clock)")
    void ttl() {
        TtlLruCache<String, Integer> cache = new TtlLruCache<>(10, Duration.ofSeconds(30), clock::get);
        cache.put("k", 1);
        clock.addAndGet(Duration.ofSeconds(30).minusNanos(1).toNanos());
        assertThat(cache.get("k")).contains(1);
        clock.addAndGet(1);
        assertThat(cache.get("k")).isEqualTo(Optional.empty());
        assertThat(cache.size()).isZero();
    }

    @Test
    @DisplayName("jittered TTLs spread over +-10% so a batch does not expire at once")
    void jitterSpreads() {
        List<Duration> ttls = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            ttls.add(TtlLruCache.jittered(Duration.ofSeconds(100)));
        }
        assertThat(ttls).allSatisfy(t -> assertThat(t).isBetween(Duration.ofSeconds(90), Duration.ofSeconds(110)));
        assertThat(ttls.stream().distinct().count()).as("distinct TTLs out of 1,000").isGreaterThan(100);
    }

    @Test
    @DisplayName("Caffeine loads a missing key once while 32 threads ask for it at the same moment")
    void singleFlight() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch loaderEntered = new CountDownLatch(1);
        CountDownLatch finishLoad = new CountDownLatch(1);
        LoadingCache<String, String> cache = CaffeineCaches.build(key -> {
            loads.incrementAndGet();
            loaderEntered.countDown();
            try {
                finishLoad.await(10, TimeUnit.SECONDS);   // a slow backend: every other caller arrives meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "value-of-" + key;
        }, clock::get);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> cache.get("hot")));
            }
            assertThat(loaderEntered.await(10, TimeUnit.SECONDS)).isTrue();
            finishLoad.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("value-of-hot");
            }
        }
        assertThat(loads).as("loader calls for one hot key").hasValue(1);
    }

    @Test
    @DisplayName("Caffeine expires after write according to the injected ticker")
    void caffeineTtl() {
        AtomicInteger loads = new AtomicInteger();
        LoadingCache<String, Integer> cache = CaffeineCaches.build(k -> loads.incrementAndGet(), clock::get);
        assertThat(cache.get("k")).isEqualTo(1);
        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(cache.get("k")).isEqualTo(1);
        clock.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(cache.get("k")).as("reloaded after expiry").isEqualTo(2);
        assertThat(cache.stats().loadCount()).isEqualTo(2);
    }
}
