package dev.opsworkbook.cache;

import static dev.opsworkbook.testing.Stubs.rethrowIfStub;
import static dev.opsworkbook.testing.Stubs.thrownBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import dev.opsworkbook.testing.LeakCheck;
import dev.opsworkbook.testing.RealRedis;
import dev.opsworkbook.testing.TcpProxy;
import dev.opsworkbook.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grading suite of ex09 cached-kv. Every test runs against a real redis-server (the kit's {@link RealRedis}: an
 * empty database and zeroed {@code INFO commandstats} per test) and counts at the server what the cache asked it.
 * Time in L1 and in the breaker runs on a {@link FakeTicker}; slow and stalled networks come from a {@link TcpProxy}.
 */
@RealRedis
@DisplayName("ex09 cached-kv: an LRU + TTL cache over a real Redis, single-flight, pipelined warm-up, outage-proof")
class CachedKvTest {

    static final Duration TTL = Duration.ofSeconds(100);

    @RegisterExtension
    final LeakCheck leaks = LeakCheck.ignoringThreads("commons-pool-evictor.*");

    final FakeTicker ticker = new FakeTicker();
    final Origin origin = new Origin();
    final List<AutoCloseable> toClose = new ArrayList<>();
    TestRedis redis;

    @BeforeEach
    void setUp(TestRedis server) {
        redis = server;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    Settings.Builder settings() {
        return settings(redis.host(), redis.port());
    }

    Settings.Builder settings(String host, int port) {
        return Settings.builder(host, port).ticker(ticker).ttl(TTL).ttlJitter(0).redisTimeout(Duration.ofSeconds(2));
    }

    CachedKv open(Settings settings) {
        CachedKv kv = new CachedKv(settings, origin);
        toClose.add(kv);
        return kv;
    }

    TcpProxy proxy() {
        TcpProxy proxy = TcpProxy.to(redis.host(), redis.port());
        toClose.add(proxy);
        return proxy;
    }

    long redisGets() {
        return redis.calls("get") + redis.calls("mget");
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: the read path and L1 (LRU, TTL with jitter, negative caching)")
    class ReadPath {

        @Test
        @Points(5)
        @Hint("Read path: L1, then Redis GET, then the loader; write the loaded value back with SET key value PX ttl; "
                + "the second get of the key must be answered by L1 without a Redis command.")
        @DisplayName("a cold key is loaded once, written to Redis with its TTL, and the next get is an L1 hit")
        void coldKey() {
            origin.with("user:1", "alice");
            CachedKv kv = open(settings().build());
            assertThat(kv.get("user:1")).contains("alice");
            assertThat(redis.call("GET", "user:1")).as("the value in Redis after the load").isEqualTo("alice");
            long pttl = (Long) redis.call("PTTL", "user:1");
            assertThat(pttl).as("PTTL of the written key (ttl 100 s, jitter 0)").isBetween(90_000L, 100_000L);
            redis.resetStats();
            assertThat(kv.get("user:1")).contains("alice");
            assertThat(redisGets()).as("Redis GET/MGET calls for the second get (an L1 hit)").isZero();
            assertThat(origin.calls("user:1")).as("loader calls").isEqualTo(1);
            Stats stats = kv.stats();
            assertThat(stats.hits()).as("hits").isEqualTo(1);
            assertThat(stats.misses()).as("misses").isEqualTo(1);
            assertThat(stats.loads()).as("loads").isEqualTo(1);
            assertThat(stats.size()).as("size").isEqualTo(1);
        }

        @Test
        @Points(4)
        @Hint("On an L1 miss, ask Redis before the loader: a value another instance wrote is served as it is.")
        @DisplayName("a key Redis already has is served from Redis, never loaded, and kept in L1")
        void fromRedis() {
            redis.call("SET", "user:2", "bob");
            origin.with("user:2", "from-origin");
            CachedKv kv = open(settings().build());
            assertThat(kv.get("user:2")).contains("bob");
            assertThat(kv.get("user:2")).contains("bob");
            assertThat(origin.calls.get()).as("loader calls").isZero();
            assertThat(redis.calls("get")).as("Redis GETs for two gets").isEqualTo(1);
        }

        @Test
        @Points(3)
        @Hint("LRU, not FIFO: a read moves the entry to the young end (LinkedHashMap with accessOrder=true, or your "
                + "own list), and inserting past maxEntries evicts from the old end.")
        @DisplayName("L1 is an LRU: with maxEntries 3, a read refreshes a key, and the least recently used one is evicted")
        void lru() {
            for (String k : List.of("a", "b", "c", "d")) {
                origin.with(k, k.toUpperCase());
            }
            CachedKv kv = open(settings().maxEntries(3).build());
            kv.get("a");
            kv.get("b");
            kv.get("c");
            kv.get("a"); // a is now the most recently used: b is the eldest
            kv.get("d");
            assertThat(kv.stats().evictions()).as("evictions after the 4th key").isEqualTo(1);
            assertThat(kv.stats().size()).as("size").isEqualTo(3);
            redis.resetStats();
            kv.get("a");
            kv.get("c");
            kv.get("d");
            assertThat(redisGets()).as("Redis GETs for a, c and d (a was read after c: it must have stayed)").isZero();
            kv.get("b");
            assertThat(redis.calls("get")).as("Redis GETs for b, the least recently used key (evicted)").isEqualTo(1);
        }

        @Test
        @Timeout(60)
        @Points(2)
        @Hint("Every hit counts, however many come between two writes and whichever thread makes them: if you buffer "
                + "reads, replay all of them before the next write, and never leave the lock held after a replay.")
        @DisplayName("L1 stays an LRU with maxEntries 160: 40 hits in a row on one thread, and one hit from each of "
                + "80 threads, all make their keys younger than every key not read")
        void lruManyHits() throws Exception {
            CachedKv kv = open(settings().maxEntries(160).build());
            for (int i = 0; i < 160; i++) {
                origin.with("e" + i, "v" + i);
                kv.get("e" + i); // e0 is the eldest
            }
            for (int i = 0; i < 40; i++) {
                kv.get("e" + i); // 40 hits between two writes, on this thread
            }
            insert(kv, "n", 40); // evicts e40..e79, the least recently used
            assertThat(missesAmong(kv, 0, 40)).as("keys among e0..e39 (each read after e40..e79 were last used) "
                    + "that were evicted by 40 new keys").isEmpty();
            for (int i = 80; i < 160; i++) { // one hit from each of 80 threads, one thread after the other
                String key = "e" + i;
                assertThat(onAnotherThread(() -> kv.get(key), "a get of a cached key")).contains("v" + i);
            }
            insert(kv, "m", 40); // evicts n0..n39
            assertThat(missesAmong(kv, 80, 160)).as("keys among e80..e159 (each read by its own thread after "
                    + "n0..n39 were stored) that were evicted by 40 new keys").isEmpty();
            assertThat(kv.stats().evictions()).as("evictions").isEqualTo(80);
        }

        /** Stores {@code count} new keys from another thread: it must not find L1's lock held by this one. */
        void insert(CachedKv kv, String prefix, int count) throws Exception {
            onAnotherThread(() -> {
                for (int i = 0; i < count; i++) {
                    origin.with(prefix + i, "x");
                    kv.get(prefix + i);
                }
                return null;
            }, count + " gets of new keys");
        }

        List<String> missesAmong(CachedKv kv, int from, int to) {
            List<String> missed = new ArrayList<>();
            for (int i = from; i < to; i++) {
                long before = kv.stats().hits();
                kv.get("e" + i);
                if (kv.stats().hits() == before) {
                    missed.add("e" + i);
                }
            }
            return missed;
        }

        @Test
        @Points(4)
        @Hint("Store an expiry time per entry (ticker.read() + ttl) and treat an entry at or past it as absent. "
                + "Compare ticker readings by subtraction: now - expiresAt >= 0.")
        @DisplayName("an L1 entry lives exactly its TTL on the injected ticker, then the next get asks Redis again")
        void ttl() throws Exception {
            origin.with("k", "v");
            CachedKv kv = open(settings().ttl(Duration.ofSeconds(10)).build());
            kv.get("k");
            ticker.advance(Duration.ofMillis(9_999));
            redis.resetStats();
            kv.get("k");
            assertThat(redisGets()).as("Redis GETs at 9.999 s of a 10 s TTL").isZero();
            ticker.advance(Duration.ofMillis(1));
            kv.get("k");
            assertThat(redis.calls("get")).as("Redis GETs at 10 s: the entry has expired").isEqualTo(1);
            assertThat(origin.calls("k")).as("loads (Redis still has it)").isEqualTo(1);
            origin.with("k2", "v2");
            assertThat(onAnotherThread(() -> kv.get("k2"), "a get of a new key after an entry expired"))
                    .contains("v2");
        }

        @Test
        @Points(5)
        @Hint("Draw each value's TTL once: ttl * (1 + u), u uniform in [-jitter, +jitter] (ThreadLocalRandom). Use "
                + "the same TTL for L1 and for Redis's PX, so a batch loaded together does not expire together.")
        @DisplayName("TTL jitter spreads expiry: 400 keys loaded at once expire between 90 s and 110 s, not together, "
                + "in L1 and in Redis")
        void jitter() {
            CachedKv kv = open(settings().ttlJitter(0.10).build());
            long loading = System.nanoTime();
            for (int i = 0; i < 400; i++) {
                origin.with("j" + i, "v" + i);
                kv.get("j" + i);
            }
            Set<Long> pttls = new HashSet<>();
            long[] pttl = new long[400];
            for (int i = 0; i < 400; i++) {
                pttl[i] = (Long) redis.call("PTTL", "j" + i);
                assertThat(pttl[i]).as("PTTL of j%d (ttl 100 s, jitter 0.10)", i).isBetween(85_000L, 110_000L);
                pttls.add(pttl[i] / 100);
            }
            // Redis counts down in real time, L1 on the fake ticker: a key's L1 TTL lies in [PTTL, PTTL + elapsed].
            long elapsedMs = millisSince(loading) + 1;
            assertThat(pttls).as("distinct Redis TTLs (in 0.1 s) among 400 keys: they must be spread").hasSizeGreaterThan(
                    40);
            ticker.advance(Duration.ofMillis(89_900));
            assertThat(hitsAmong(kv, 0, 100)).as("L1 hits among 100 keys at 89.9 s").isEqualTo(100);
            ticker.advance(Duration.ofMillis(10_100));
            int at100 = 0;
            for (int i = 100; i < 300; i++) {
                boolean hit = hitsAmong(kv, i, i + 1) == 1;
                at100 += hit ? 1 : 0;
                if (pttl[i] > 100_000) {
                    assertThat(hit).as("j%d at 100 s: Redis's PTTL said %d ms, so its L1 entry must still be there"
                            + " (one TTL per value, the same for L1 and PX)", i, pttl[i]).isTrue();
                } else if (pttl[i] + elapsedMs < 100_000) {
                    assertThat(hit).as("j%d at 100 s: Redis's PTTL said %d ms (read within %d ms of the store), so"
                            + " its L1 entry must have expired (one TTL per value, the same for L1 and PX)", i, pttl[i],
                            elapsedMs).isFalse();
                }
            }
            assertThat(at100).as("L1 hits among 200 keys at 100 s (about half should have expired)").isBetween(40, 160);
            ticker.advance(Duration.ofMillis(10_100));
            assertThat(hitsAmong(kv, 300, 400)).as("L1 hits among 100 keys at 110.1 s").isZero();
        }

        int hitsAmong(CachedKv kv, int from, int to) {
            int hits = 0;
            for (int i = from; i < to; i++) {
                long before = kv.stats().hits();
                kv.get("j" + i);
                hits += (int) (kv.stats().hits() - before);
            }
            return hits;
        }

        @Test
        @Points(5)
        @Hint("When the loader returns Optional.empty(), put a 'not found' entry in L1 for exactly negativeTtl (no "
                + "jitter: that is for values), and write nothing to Redis; a hit on it returns Optional.empty().")
        @DisplayName("a key the origin does not have is remembered as not found for negativeTtl, in L1 only")
        void negativeCaching() {
            // A large jitter for values: "not found" entries must not get any of it.
            CachedKv kv = open(settings().ttlJitter(0.5).negativeTtl(Duration.ofSeconds(5)).build());
            assertThat(kv.get("ghost")).isEmpty();
            redis.resetStats();
            for (int i = 0; i < 5; i++) {
                assertThat(kv.get("ghost")).isEmpty();
            }
            assertThat(origin.calls("ghost")).as("loader calls for 6 gets of a missing key within 5 s").isEqualTo(1);
            assertThat(redisGets()).as("Redis GETs for the 5 gets after the first").isZero();
            assertThat(redis.call("EXISTS", "ghost")).as("EXISTS ghost in Redis").isEqualTo(0L);
            assertThat(kv.stats().hits()).as("hits (a cached 'not found' is a hit)").isEqualTo(5);
            for (int i = 0; i < 20; i++) {
                assertThat(kv.get("ghost" + i)).isEmpty();
            }
            ticker.advance(Duration.ofMillis(4_999));
            for (int i = 0; i < 20; i++) {
                assertThat(kv.get("ghost" + i)).isEmpty();
                assertThat(origin.calls("ghost" + i)).as("loader calls for ghost%d at 4.999 s (negativeTtl 5 s, exactly,"
                        + " without the values' jitter)", i).isEqualTo(1);
            }
            ticker.advance(Duration.ofMillis(1));
            origin.with("ghost", "now-here");
            assertThat(kv.get("ghost")).as("get after negativeTtl").contains("now-here");
            assertThat(origin.calls("ghost")).as("loader calls after negativeTtl").isEqualTo(2);
            for (int i = 0; i < 20; i++) {
                kv.get("ghost" + i);
                assertThat(origin.calls("ghost" + i)).as("loader calls for ghost%d at 5 s (negativeTtl 5 s, exactly,"
                        + " without the values' jitter)", i).isEqualTo(2);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:2")
    @DisplayName("Task 2: single-flight loads, failures and deadlines")
    class SingleFlight {

        @Test
        @Timeout(60)
        @Points(8)
        @Hint("Keep a ConcurrentHashMap<String, CompletableFuture<...>> of fetches in flight: putIfAbsent decides who "
                + "fetches (Redis GET, then the loader); everyone else waits on the future. Count each waiter as "
                + "coalesced when it starts waiting.")
        @DisplayName("1,000 concurrent gets of one cold key make exactly 1 Redis GET and 1 load, and all get the value")
        void thousandCallers() throws Exception {
            origin.with("hot", "value");
            CachedKv kv = open(settings().waitTimeout(Duration.ofSeconds(10)).build());
            origin.hook = key -> {
                try { // hold the load until the 999 others are waiting; a second load ends every wait (the counts
                    // below then fail), and so do 10 s
                    await().pollInSameThread().atMost(Duration.ofSeconds(10))
                            .until(() -> kv.stats().coalesced() >= 999 || origin.calls("hot") > 1);
                } catch (ConditionTimeoutException e) {
                    // the assertions below say what went wrong
                }
            };
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<String>>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 1000; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return kv.get("hot");
                    }));
                }
                start.countDown();
                for (Future<Optional<String>> r : results) {
                    assertThat(value(r)).contains("value");
                }
            }
            assertThat(redis.calls("get")).as("Redis GETs at the server (INFO commandstats)").isEqualTo(1);
            assertThat(origin.calls("hot")).as("loader calls").isEqualTo(1);
            assertThat(kv.stats().coalesced()).as("coalesced").isEqualTo(999);
            assertThat(kv.stats().loads()).as("loads").isEqualTo(1);
            assertThat(kv.stats().misses()).as("misses").isEqualTo(1000);
        }

        @Test
        @Timeout(30)
        @Points(6)
        @Hint("A failed load completes the shared future exceptionally (every waiter gets a LoadFailedException with "
                + "the loader's exception as cause) and is removed from the in-flight map in a finally block.")
        @DisplayName("a failed load reaches every waiting caller, caches nothing, and the next get loads again")
        void failedLoad() throws Exception {
            origin.with("flaky", "ok");
            CachedKv kv = open(settings().build());
            CountDownLatch release = new CountDownLatch(1);
            IllegalStateException boom = new IllegalStateException("database down");
            origin.hook = key -> {
                release.await(20, TimeUnit.SECONDS);
                if (origin.calls("flaky") == 1) {
                    throw boom;
                }
            };
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Optional<String>>> callers = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    callers.add(pool.submit(() -> kv.get("flaky")));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> kv.stats().coalesced() == 4);
                release.countDown();
                for (Future<Optional<String>> c : callers) {
                    Throwable thrown = causeOf(c);
                    assertThat(thrown).as("what a caller of the failed load got").isInstanceOf(
                            LoadFailedException.class);
                    assertThat(thrown.getCause()).as("its cause").isSameAs(boom);
                }
            }
            assertThat(redis.call("EXISTS", "flaky")).as("EXISTS flaky after the failed load").isEqualTo(0L);
            assertThat(kv.stats().loadFailures()).as("loadFailures").isEqualTo(1);
            assertThat(kv.get("flaky")).as("the get after the failure").contains("ok");
            assertThat(origin.calls("flaky")).as("loader calls").isEqualTo(2);
            assertThat(kv.get("flaky")).contains("ok");
            assertThat(origin.calls("flaky")).as("loader calls after a third get").isEqualTo(2);
            InterruptedException interrupted = new InterruptedException("load interrupted");
            origin.hook = key -> {
                throw interrupted;
            };
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Throwable thrown = causeOf(pool.submit(() -> kv.get("other")));
                assertThat(thrown).as("what a get threw when the loader threw InterruptedException").isInstanceOf(
                        LoadFailedException.class);
                assertThat(thrown.getCause()).as("its cause").isSameAs(interrupted);
            }
            assertThat(kv.stats().loadFailures()).as("loadFailures after a loader threw InterruptedException too")
                    .isEqualTo(2);
        }

        @Test
        @Timeout(30)
        @Points(5)
        @Hint("A waiter waits on the shared future with get(waitTimeout) and throws WaitTimeoutException on timeout; "
                + "the fetch itself goes on, and caches its value for later callers.")
        @DisplayName("a caller waiting for someone else's slow load gives up after waitTimeout; the load still caches")
        void waitDeadline() throws Exception {
            origin.with("slow", "eventually");
            CachedKv kv = open(settings().waitTimeout(Duration.ofMillis(300)).build());
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            origin.hook = key -> {
                loading.countDown();
                release.await(20, TimeUnit.SECONDS);
            };
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Optional<String>> first = pool.submit(() -> kv.get("slow"));
                assertThat(loading.await(10, TimeUnit.SECONDS)).as("the load started").isTrue();
                long start = System.nanoTime();
                thrownBy(WaitTimeoutException.class, () -> kv.get("slow"), "a second get while the load is held");
                assertThat(millisSince(start)).as("ms the second caller waited (waitTimeout 300 ms)")
                        .isBetween(250L, 2_300L);
                release.countDown();
                assertThat(value(first)).contains("eventually");
            }
            assertThat(kv.get("slow")).contains("eventually");
            assertThat(origin.calls("slow")).as("loader calls").isEqualTo(1);
        }

        @Test
        @Timeout(30)
        @Points(4)
        @Hint("Single-flight is per key: never hold a lock shared by all keys (or a ConcurrentHashMap bin, as "
                + "computeIfAbsent does) while Redis or the loader runs.")
        @DisplayName("a slow load of one key does not hold up gets of other keys")
        void otherKeysDoNotWait() throws Exception {
            origin.with("slow", "s");
            CachedKv kv = open(settings().build());
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            origin.hook = key -> {
                if (key.equals("slow")) {
                    loading.countDown();
                    release.await(20, TimeUnit.SECONDS);
                }
            };
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Optional<String>> slow = pool.submit(() -> kv.get("slow"));
                assertThat(loading.await(10, TimeUnit.SECONDS)).as("the slow load started").isTrue();
                for (int i = 0; i < 50; i++) {
                    String key = "other" + i;
                    origin.with(key, "o" + i);
                    Future<Optional<String>> other = pool.submit(() -> kv.get(key));
                    try {
                        assertThat(other.get(5, TimeUnit.SECONDS)).contains("o" + i);
                    } catch (TimeoutException e) {
                        fail("get(\"" + key + "\") did not return within 5 s while another key's load was in progress");
                    }
                }
                release.countDown();
                assertThat(value(slow)).contains("s");
            }
        }

        @Test
        @Timeout(30)
        @Points(2)
        @Hint("A loader may itself call get() for another key (a user row loads its team). ConcurrentHashMap."
                + "computeIfAbsent forbids that (Recursive update, or a deadlock): run the fetch outside it.")
        @DisplayName("a loader that calls get() for another key works (no recursive-update error, no deadlock)")
        void recursiveLoad() throws Exception {
            origin.with("team:1", "ops").with("user:1", "alice");
            CachedKv kv = open(settings().build());
            origin.hook = key -> {
                if (key.startsWith("user:")) {
                    assertThat(kv.get("team:1")).contains("ops");
                }
            };
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Optional<String>> user = pool.submit(() -> kv.get("user:1"));
                assertThat(value(user)).contains("alice");
            }
            assertThat(kv.get("team:1")).contains("ops");
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:3")
    @DisplayName("Task 3: warm-up in batches, getAll, put and invalidation across instances")
    class Batches {

        @Test
        @Timeout(60)
        @Points(7)
        @Hint("One MGET (or one pipeline of GETs) per warmUpBatch keys: 10 round trips for 10,000 keys. One GET per "
                + "key is 10,000 round trips: 1,000 s at 100 ms each.")
        @DisplayName("warmUp of 10,000 keys takes at most 10 round trips: done within 3 s with 100 ms added to every "
                + "reply, and every key is then an L1 hit")
        void warmUpRoundTrips() throws Exception {
            List<String> args = new ArrayList<>(List.of("MSET"));
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                keys.add("w" + i);
                args.add("w" + i);
                args.add("value-" + i);
            }
            redis.call(args.toArray(String[]::new));
            TcpProxy proxy = proxy();
            CachedKv kv = open(settings(proxy.host(), proxy.port()).redisTimeout(Duration.ofSeconds(5)).build());
            proxy.replyLatency(Duration.ofMillis(100));
            redis.resetStats();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                long start = System.nanoTime();
                Future<Integer> warm = pool.submit(() -> kv.warmUp(keys));
                try {
                    assertThat(warm.get(3, TimeUnit.SECONDS)).as("warmUp's count of keys found").isEqualTo(10_000);
                } catch (TimeoutException e) {
                    proxy.replyLatency(Duration.ZERO);
                    fail("warmUp(10,000 keys) was not done within 3 s with 100 ms per reply: more than ~25 round "
                            + "trips (the contract allows 10 + connection set-up)");
                } catch (ExecutionException e) {
                    rethrowIfStub(e);
                    throw e;
                }
                System.out.printf("warmUp of 10,000 keys with 100 ms per reply: %d ms%n", millisSince(start));
            }
            proxy.replyLatency(Duration.ZERO);
            redis.resetStats();
            for (String key : keys) {
                assertThat(kv.get(key)).isPresent();
            }
            assertThat(redisGets()).as("Redis GETs for the 10,000 warmed keys").isZero();
            assertThat(kv.stats().hits()).as("hits").isEqualTo(10_000);
        }

        @Test
        @Points(2)
        @Hint("warmUp only copies what Redis has into L1: no loader call and no 'not found' entry for the rest.")
        @DisplayName("warmUp counts only the keys Redis has, and neither loads nor remembers the others")
        void warmUpMissing() {
            redis.call("MSET", "p1", "1", "p2", "2");
            origin.with("absent", "from-origin");
            CachedKv kv = open(settings().build());
            assertThat(kv.warmUp(List.of("p1", "absent", "p2"))).as("warmUp's count").isEqualTo(2);
            assertThat(origin.calls.get()).as("loader calls during warmUp").isZero();
            assertThat(kv.stats().size()).as("L1 size after warmUp").isEqualTo(2);
            assertThat(kv.get("absent")).as("get of the key Redis lacked").contains("from-origin");
        }

        @Test
        @Points(3)
        @Hint("getAll: L1 first, then one batched Redis read for the rest, then the loader (single-flight) for what "
                + "Redis lacks; only keys with a value appear in the map, in the order asked.")
        @DisplayName("getAll returns the values from L1, Redis and the loader, in order, without the keys nobody has")
        void getAll() {
            origin.with("l1", "one").with("origin", "three").with("redis", "not-this");
            redis.call("SET", "redis", "two");
            CachedKv kv = open(settings().build());
            kv.get("l1");
            Map<String, String> all = kv.getAll(List.of("origin", "nowhere", "redis", "l1"));
            assertThat(all).containsExactly(Map.entry("origin", "three"), Map.entry("redis", "two"),
                    Map.entry("l1", "one"));
            assertThat(origin.calls("redis")).as("loads of the key Redis had").isZero();
            assertThat(origin.calls("l1")).as("loads of the key L1 had").isEqualTo(1);
            assertThat(origin.calls("nowhere")).as("loads of the key nobody has").isEqualTo(1);
            assertThat(kv.stats().hits()).as("hits after getAll (l1 was in L1)").isEqualTo(1);
            assertThat(kv.stats().misses()).as("misses after get(l1) and getAll (origin, nowhere, redis)").isEqualTo(4);
            assertThat(kv.getAll(List.of("nowhere", "origin"))).containsExactly(Map.entry("origin", "three"));
            assertThat(origin.calls("nowhere")).as("loads of 'nowhere' (remembered as not found)").isEqualTo(1);
            assertThat(kv.stats().hits()).as("hits after a second getAll of 2 keys in L1").isEqualTo(3);
            assertThat(kv.stats().misses()).as("misses after a second getAll of 2 keys in L1").isEqualTo(4);
        }

        @Test
        @Timeout(30)
        @Points(3)
        @Hint("invalidate: remove from L1, DEL in Redis, PUBLISH the key on invalidationChannel; every instance "
                + "subscribes (its own connection and thread) and removes published keys from its L1.")
        @DisplayName("invalidate on one instance removes the key from another instance's L1 within 2 s")
        void invalidateAcrossInstances() {
            origin.with("price", "10");
            CachedKv a = open(settings().build());
            CachedKv b = open(settings().build());
            assertThat(a.get("price")).contains("10");
            assertThat(b.get("price")).contains("10");
            origin.with("price", "12");
            a.invalidate("price");
            assertThat(redis.call("EXISTS", "price")).as("EXISTS price after invalidate").isEqualTo(0L);
            assertThat(a.get("price")).as("the invalidating instance").contains("12");
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(b.get("price"))
                    .as("the other instance's value after the invalidation").contains("12"));
        }

        @Test
        @Timeout(30)
        @Points(2)
        @Hint("When the subscriber's connection breaks, reconnect (with a backoff) and subscribe again; once "
                + "subscribed again, clear L1: invalidations published meanwhile were lost.")
        @DisplayName("an instance whose subscription broke subscribes again, clears its L1 (it may have missed "
                + "invalidations) and hears the next ones")
        void resubscribeClearsL1() {
            origin.with("price", "10").with("stock", "5");
            CachedKv a = open(settings().build());
            CachedKv b = open(settings().build());
            assertThat(b.get("price")).contains("10");
            assertThat(b.get("stock")).contains("5");
            redis.call("CLIENT", "KILL", "TYPE", "pubsub"); // both subscriptions break
            redis.call("SET", "price", "11"); // a change nobody published: as if its message was missed
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.get("price"))
                    .as("the value after the subscription broke and Redis changed (L1 must be cleared once "
                            + "subscribed again)").contains("11"));
            assertThat(b.stats().size()).as("L1 size after the re-subscription cleared it and price was read again")
                    .isEqualTo(1);
            a.put("price", "12");
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(b.get("price"))
                    .as("the value after a put on the other instance, once subscribed again").contains("12"));
        }

        @Test
        @Timeout(30)
        @Points(3)
        @Hint("put: SET key value PX ttl in Redis, then L1, then PUBLISH so that other instances drop their copy.")
        @DisplayName("put writes Redis with its TTL, and another instance sees the new value within 2 s")
        void putAcrossInstances() {
            origin.with("flag", "off");
            CachedKv a = open(settings().build());
            CachedKv b = open(settings().build());
            assertThat(b.get("flag")).contains("off");
            a.put("flag", "on");
            assertThat(redis.call("GET", "flag")).as("the value in Redis").isEqualTo("on");
            assertThat((Long) redis.call("PTTL", "flag")).as("its PTTL (ttl 100 s)").isBetween(90_000L, 100_000L);
            redis.resetStats();
            assertThat(a.get("flag")).contains("on");
            assertThat(redisGets()).as("Redis GETs for a get after put on the same instance").isZero();
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(b.get("flag"))
                    .as("the other instance's value after put").contains("on"));
            assertThat(origin.calls("flag")).as("loads").isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:4")
    @DisplayName("Task 4: Redis outages and the circuit breaker")
    class Outage {

        @Test
        @Timeout(60)
        @Points(7)
        @Hint("An L1 hit must never touch Redis (no TTL refresh, no stats call, no publish). Every Redis call has "
                + "redisTimeout: socket, connect and pool-borrow timeouts.")
        @DisplayName("with Redis stalled, L1 hits answer at once and a miss fails with RedisUnavailableException "
                + "within redisTimeout plus 1 s")
        void stalledRedis() throws Exception {
            origin.with("warm", "w").with("cold", "c");
            TcpProxy proxy = proxy();
            Duration timeout = Duration.ofMillis(400);
            CachedKv kv = open(settings(proxy.host(), proxy.port()).redisTimeout(timeout).build());
            assertThat(kv.get("warm")).contains("w");
            proxy.freeze();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    Future<Optional<String>> hit = pool.submit(() -> kv.get("warm"));
                    try {
                        assertThat(hit.get(1, TimeUnit.SECONDS)).contains("w");
                    } catch (TimeoutException e) {
                        fail("an L1 hit did not answer within 1 s while Redis was stalled: hits must not wait for Redis");
                    }
                }
                // 88 misses at once: 8 of one key (1 fetch, 7 waiting for it) and 80 of other keys, more than a
                // small connection pool holds: waiting for a pooled connection is bounded by redisTimeout too.
                long start = System.nanoTime();
                List<Future<Optional<String>>> misses = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    misses.add(pool.submit(() -> kv.get("cold")));
                }
                for (int i = 0; i < 80; i++) {
                    String key = "cold" + i;
                    misses.add(pool.submit(() -> kv.get(key)));
                }
                for (Future<Optional<String>> miss : misses) {
                    Throwable thrown;
                    try {
                        thrown = causeOf(miss, 10);
                    } catch (TimeoutException e) {
                        fail("a miss was still waiting 10 s after Redis stalled (redisTimeout 400 ms)");
                        return;
                    }
                    assertThat(thrown).as("what a miss threw with Redis stalled (a caller waiting for another's "
                            + "fetch too)").isInstanceOf(RedisUnavailableException.class);
                }
                assertThat(millisSince(start)).as("ms until 88 concurrent misses had all failed (redisTimeout 400 ms, "
                        + "for each command and for each wait for a pooled connection)").isLessThan(1_400L);
            } finally {
                proxy.unfreeze();
            }
            assertThat(kv.stats().redisErrors()).as("redisErrors").isGreaterThanOrEqualTo(1);
            assertThat(origin.calls.get()).as("loads while Redis failed (1: warm, before the stall)").isEqualTo(1);
        }

        @Test
        @Timeout(60)
        @Points(6)
        @Hint("Count consecutive failures; at breakerFailures open (remember ticker.read()); while open, throw "
                + "RedisUnavailableException without a Redis call; after breakerOpenFor let one probe through; a "
                + "success closes it. Drop the pool's idle connections on a connection error: they died with the "
                + "server. invalidate and a failed put remove the L1 entry even when Redis refuses.")
        @DisplayName("Redis stopped: hits go on, misses fail, the breaker opens after breakerFailures, stays open on "
                + "the ticker, half-opens, and closes when Redis is back, on the same CachedKv")
        void breakerCycle() throws Exception {
            origin.with("warm", "w");
            CachedKv kv = open(settings().breakerFailures(3).breakerOpenFor(Duration.ofSeconds(30))
                    .redisTimeout(Duration.ofSeconds(1)).build());
            assertThat(kv.get("warm")).contains("w");
            origin.with("warm2", "w");
            assertThat(kv.get("warm2")).contains("w");
            // 8 gets at once while Redis holds every command for 500 ms: a pooled client now has several idle
            // connections, which all die with the server below (3 failures open the breaker: the probe after the
            // restart must not be handed a 4th dead one).
            redis.call("CLIENT", "PAUSE", "500");
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Optional<String>>> gets = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String key = "busy" + i;
                    origin.with(key, "b");
                    gets.add(pool.submit(() -> kv.get(key)));
                }
                for (Future<Optional<String>> get : gets) {
                    assertThat(value(get)).as("a get while Redis paused its clients for 500 ms").contains("b");
                }
            }
            redis.stop();
            for (int i = 0; i < 3; i++) {
                String key = "miss" + i;
                thrownBy(RedisUnavailableException.class, () -> kv.get(key), "get of an uncached key, Redis stopped");
                assertThat(kv.get("warm")).as("an L1 hit with Redis stopped").contains("w");
            }
            assertThat(kv.stats().breaker()).as("breaker after 3 failures").isEqualTo(BreakerState.OPEN);
            assertThat(kv.stats().redisErrors()).as("redisErrors after 3 failures").isEqualTo(3);
            thrownBy(RedisUnavailableException.class, () -> kv.put("warm", "w2"), "put with the breaker open");
            thrownBy(RedisUnavailableException.class, () -> kv.get("warm"),
                    "get of a key whose put just failed (L1 must not keep the value the put meant to replace)");
            thrownBy(RedisUnavailableException.class, () -> kv.invalidate("warm2"), "invalidate with the breaker open");
            thrownBy(RedisUnavailableException.class, () -> kv.get("warm2"),
                    "get of a key whose invalidate just failed (the L1 entry is gone anyway)");
            redis.restart();
            for (int i = 0; i < 3; i++) {
                String key = "open" + i;
                thrownBy(RedisUnavailableException.class, () -> kv.get(key), "get with the breaker open");
            }
            assertThat(redis.calls("get")).as("GETs that reached Redis while the breaker was open").isZero();
            assertThat(kv.stats().redisErrors()).as("redisErrors (refusals by the open breaker are not errors)")
                    .isEqualTo(3);
            ticker.advance(Duration.ofSeconds(30));
            assertThat(kv.stats().breaker()).as("breaker after breakerOpenFor").isEqualTo(BreakerState.HALF_OPEN);
            origin.with("back", "b");
            assertThat(kv.get("back")).as("the probe after Redis came back").contains("b");
            assertThat(kv.stats().breaker()).as("breaker after a successful probe").isEqualTo(BreakerState.CLOSED);
            origin.with("next", "n");
            assertThat(kv.get("next")).contains("n");
            assertThat(redis.call("GET", "next")).as("written back to Redis again").isEqualTo("n");
        }

        @Test
        @Timeout(60)
        @Points(2)
        @Hint("The breaker counts consecutive failures: any success in CLOSED sets the count back to 0.")
        @DisplayName("failures separated by a success do not open the breaker: it counts consecutive failures")
        void consecutiveFailures() {
            origin.with("ok1", "1").with("ok2", "2");
            CachedKv kv = open(settings().breakerFailures(3).redisTimeout(Duration.ofMillis(500)).build());
            redis.stop();
            thrownBy(RedisUnavailableException.class, () -> kv.get("a"), "get 1 with Redis stopped");
            thrownBy(RedisUnavailableException.class, () -> kv.get("b"), "get 2 with Redis stopped");
            redis.restart();
            assertThat(kv.get("ok1")).as("a get with Redis back").contains("1");
            redis.stop();
            thrownBy(RedisUnavailableException.class, () -> kv.get("c"), "get 3 with Redis stopped again");
            thrownBy(RedisUnavailableException.class, () -> kv.get("d"), "get 4 with Redis stopped again");
            assertThat(kv.stats().breaker()).as("breaker after 2 failures, 1 success, 2 failures (threshold 3)")
                    .isEqualTo(BreakerState.CLOSED);
            redis.restart();
            assertThat(kv.get("ok2")).as("a get with Redis back again").contains("2");
        }

        @Test
        @Timeout(60)
        @Points(3)
        @Hint("In HALF_OPEN only one request goes to Redis; if it fails, the breaker opens again for another "
                + "breakerOpenFor.")
        @DisplayName("a failed half-open probe opens the breaker again for another breakerOpenFor")
        void failedProbe() {
            CachedKv kv = open(settings().breakerFailures(2).breakerOpenFor(Duration.ofSeconds(10))
                    .redisTimeout(Duration.ofMillis(500)).build());
            redis.stop();
            thrownBy(RedisUnavailableException.class, () -> kv.get("a"), "get 1 with Redis stopped");
            thrownBy(RedisUnavailableException.class, () -> kv.get("b"), "get 2 with Redis stopped");
            assertThat(kv.stats().breaker()).as("breaker after 2 failures").isEqualTo(BreakerState.OPEN);
            ticker.advance(Duration.ofSeconds(10));
            thrownBy(RedisUnavailableException.class, () -> kv.get("c"), "the probe with Redis still stopped");
            assertThat(kv.stats().redisErrors()).as("redisErrors (2 + the failed probe)").isEqualTo(3);
            assertThat(kv.stats().breaker()).as("breaker after the failed probe").isEqualTo(BreakerState.OPEN);
            ticker.advance(Duration.ofSeconds(9));
            thrownBy(RedisUnavailableException.class, () -> kv.get("d"), "get 9 s after the failed probe");
            assertThat(kv.stats().redisErrors()).as("redisErrors 9 s after the failed probe (still open)").isEqualTo(3);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:5")
    @DisplayName("Task 5: close() leaves nothing behind")
    class Close {

        @Test
        @Timeout(60)
        @Points(6)
        @Hint("close(): end the subscriber (disconnect its connection so the blocking read returns, then join its "
                + "thread) and close the pool. Check with CLIENT LIST: no connection of yours may stay.")
        @DisplayName("after close() no thread of the cache is left and Redis lists none of its connections")
        void closeLeavesNothing() {
            // The connections of the previous test's instances may take a moment to leave the server's list.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(redis.clients())
                    .as("connections before the test").isEmpty());
            LeakCheck.Snapshot before = leaks.snapshot();
            origin.with("k", "v");
            CachedKv a = new CachedKv(settings().build(), origin);
            CachedKv b = new CachedKv(settings().build(), origin);
            try {
                a.get("k");
                b.warmUp(List.of("k"));
                a.invalidate("k");
                b.put("k", "w");
            } finally {
                a.close();
                b.close();
            }
            leaks.assertNoLeaksSince(before);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(redis.clients())
                    .as("Redis's client connections after close()").isEmpty());
        }

        @Test
        @Points(3)
        @Hint("close() is idempotent; after it, get/getAll/put/invalidate/warmUp throw IllegalStateException.")
        @DisplayName("close() twice is fine, and a closed CachedKv refuses calls with IllegalStateException")
        void closedRefuses() {
            CachedKv kv = new CachedKv(settings().build(), origin);
            kv.close();
            kv.close();
            thrownBy(IllegalStateException.class, () -> kv.get("k"), "get after close()");
            thrownBy(IllegalStateException.class, () -> kv.put("k", "v"), "put after close()");
            thrownBy(IllegalStateException.class, () -> kv.warmUp(List.of("k")), "warmUp after close()");
            thrownBy(IllegalStateException.class, () -> kv.getAll(List.of("k")), "getAll after close()");
            thrownBy(IllegalStateException.class, () -> kv.invalidate("k"), "invalidate after close()");
        }
    }

    // ------------------------------------------------------------------------------------------------

    static <T> T value(Future<T> future) throws Exception {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            rethrowIfStub(e);
            throw new AssertionError("the call threw " + e.getCause(), e.getCause());
        }
    }

    /**
     * Runs {@code call} on a new virtual thread and returns its result; fails if it takes 10 s (a lock left held by
     * the test's thread). The thread is not joined: a call stuck on a lock must not hang the suite.
     */
    static <T> T onAnotherThread(Callable<T> call, String what) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " on another thread did not return within 10 s: does some call leave L1's "
                    + "lock held?", e);
        } catch (ExecutionException e) {
            rethrowIfStub(e);
            throw new AssertionError(what + " threw " + e.getCause(), e.getCause());
        }
    }

    static Throwable causeOf(Future<?> future) throws Exception {
        return causeOf(future, 30);
    }

    static Throwable causeOf(Future<?> future, int seconds) throws Exception {
        try {
            Object v = future.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("expected an exception, but the call returned " + v);
        } catch (ExecutionException e) {
            rethrowIfStub(e);
            return e.getCause();
        }
    }
}
