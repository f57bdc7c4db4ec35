package dev.opsworkbook.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.opsworkbook.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.Jedis;

/**
 * The L1 hit path and the warm-up, each next to its baseline; methods are named {@code <scenario>_<impl>} and the
 * report divides by the {@code baseline} impl of the same scenario:
 *
 * <ul>
 *   <li>{@code hit1_cachedKv} / {@code hit2_cachedKv}: {@code get} of a present key (1,024 keys, cycled), on 1 and 2
 *       threads; {@code hit1_baselineCaffeine} / {@code hit2_baselineCaffeine}: Caffeine's {@code getIfPresent} on a
 *       cache of the same bound and TTL, same keys. Target: ≤ 1.5× Caffeine, 0 B/op ({@code -prof gc}). Both caches
 *       are bounded at 2,048, so they are half full: below half its bound Caffeine skips recording reads altogether
 *       (its frequency sketch is not initialised yet), which would compare an LRU's bookkeeping with none.</li>
 *   <li>{@code warmUp_cachedKv}: {@code warmUp} of 10,000 keys from a real redis-server (the kit's {@link TestRedis});
 *       {@code warmUp_baselineOneGetPerKey}: the same keys with one {@code GET} each on one Jedis connection. Target: ≥ 20× faster.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CacheBenchmark {

    static final int KEYS = 1024;
    static final int BOUND = 2 * KEYS; // both caches half full: see the class comment

    /** One Redis, one CachedKv and one Caffeine cache with the same keys, shared by the benchmark threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        TestRedis redis;
        CachedKv kv;
        Cache<String, Optional<String>> caffeine;
        String[] keys = new String[KEYS];
        List<String> warmKeys = new ArrayList<>();
        Jedis jedis;

        @Setup(Level.Trial)
        public void setUp() {
            redis = TestRedis.launch();
            kv = new CachedKv(Settings.builder(redis.host(), redis.port()).maxEntries(BOUND)
                    .ttl(Duration.ofMinutes(10)).build(),
                    key -> Optional.of("origin-" + key));
            caffeine = Caffeine.newBuilder().maximumSize(BOUND).expireAfterWrite(Duration.ofMinutes(10)).build();
            for (int i = 0; i < KEYS; i++) {
                keys[i] = "key:" + i;
                kv.get(keys[i]);
                caffeine.put(keys[i], Optional.of("origin-" + keys[i]));
            }
            List<String> mset = new ArrayList<>(List.of("MSET"));
            for (int i = 0; i < 10_000; i++) {
                warmKeys.add("warm:" + i);
                mset.add("warm:" + i);
                mset.add("value-" + i);
            }
            redis.call(mset.toArray(String[]::new));
            jedis = new Jedis(redis.host(), redis.port());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            jedis.close();
            kv.close();
            redis.close();
        }
    }

    /** Each thread's position in the key cycle (per thread, so that the index is not a shared write). */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        String key(Shared shared) {
            return shared.keys[next++ & (KEYS - 1)];
        }
    }

    @Benchmark
    public Optional<String> hit1_cachedKv(Shared shared, Cursor cursor) {
        return shared.kv.get(cursor.key(shared));
    }

    @Benchmark
    public Optional<String> hit1_baselineCaffeine(Shared shared, Cursor cursor) {
        return shared.caffeine.getIfPresent(cursor.key(shared));
    }

    @Benchmark
    @Threads(2)
    public Optional<String> hit2_cachedKv(Shared shared, Cursor cursor) {
        return shared.kv.get(cursor.key(shared));
    }

    @Benchmark
    @Threads(2)
    public Optional<String> hit2_baselineCaffeine(Shared shared, Cursor cursor) {
        return shared.caffeine.getIfPresent(cursor.key(shared));
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int warmUp_cachedKv(Shared shared) {
        return shared.kv.warmUp(shared.warmKeys);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int warmUp_baselineOneGetPerKey(Shared shared) {
        int found = 0;
        for (String key : shared.warmKeys) {
            if (shared.jedis.get(key) != null) {
                found++;
            }
        }
        return found;
    }
}
