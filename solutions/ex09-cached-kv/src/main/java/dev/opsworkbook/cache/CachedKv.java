package dev.opsworkbook.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A two-level read-through cache: L1 in this JVM (bounded LRU, per-entry TTL with jitter, "not found" remembered
 * briefly), L2 in Redis, and a {@link Loader} behind both. See the exercise README for the contract.
 */
public final class CachedKv implements AutoCloseable {

    private final Settings settings;
    private final Loader loader;
    private final Ticker ticker;
    private final Lru l1;
    private final Breaker breaker;
    private final RedisClient redis;
    /** One future per key being fetched: the single flight that every concurrent miss of that key joins. */
    private final ConcurrentHashMap<String, CompletableFuture<Optional<String>>> inFlight = new ConcurrentHashMap<>();
    /** Tells our own invalidation messages from other instances'. */
    private final String instanceId = UUID.randomUUID().toString();
    private final Subscriber subscriber;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder redisErrors = new LongAdder();
    private volatile boolean closed;

    /**
     * Connects to Redis and subscribes to {@link Settings#invalidationChannel()}; returns once subscribed, or after
     * {@link Settings#redisTimeout()} when Redis cannot be reached (the subscriber keeps trying in the background).
     */
    public CachedKv(Settings settings, Loader loader) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.ticker = settings.ticker();
        this.l1 = new Lru(settings.maxEntries());
        this.breaker = new Breaker(settings.breakerFailures(), settings.breakerOpenFor().toNanos());
        int timeout = (int) Math.max(1, settings.redisTimeout().toMillis());
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED) // two fewer round trips per new connection
                .build();
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(16);
        pool.setMaxIdle(16);
        pool.setMaxWait(settings.redisTimeout()); // a borrow that waits is part of the command's time budget
        pool.setJmxEnabled(false);
        this.redis = RedisClient.builder().hostAndPort(settings.redisHost(), settings.redisPort())
                .clientConfig(config).poolConfig(pool).build();
        this.subscriber = new Subscriber(new HostAndPort(settings.redisHost(), settings.redisPort()));
        subscriber.start(settings.redisTimeout());
    }

    /**
     * The value of {@code key}: from L1; else from Redis; else from the loader (written back to Redis). Concurrent
     * misses of one key share one fetch.
     */
    public Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        requireOpen();
        Lru.Entry entry = l1.get(key, ticker.read());
        if (entry != null) {
            hits.increment();
            return entry.value();
        }
        misses.increment();
        return fetchOnce(key, true);
    }

    /**
     * The values of the keys that exist, in the order given: L1 first, then Redis for the rest ({@code MGET}, at most
     * {@link Settings#warmUpBatch()} keys a round trip), then the loader for what Redis lacks.
     */
    public Map<String, String> getAll(Collection<String> keys) {
        requireOpen();
        Map<String, Optional<String>> found = new LinkedHashMap<>();
        List<String> wanted = new ArrayList<>();
        long now = ticker.read();
        for (String key : keys) {
            if (found.containsKey(key)) { // asked twice: once is enough
                continue;
            }
            Lru.Entry entry = l1.get(key, now);
            if (entry != null) {
                hits.increment();
                found.put(key, entry.value());
            } else {
                misses.increment();
                found.put(key, Optional.empty());
                wanted.add(key);
            }
        }
        Map<String, String> fromRedis = mgetIntoL1(wanted);
        for (String key : wanted) {
            String value = fromRedis.get(key);
            found.put(key, value != null ? Optional.of(value) : fetchOnce(key, false));
        }
        Map<String, String> result = new LinkedHashMap<>();
        found.forEach((k, v) -> v.ifPresent(value -> result.put(k, value)));
        return result;
    }

    /** Writes {@code key} to Redis ({@code SET PX} with a jittered TTL) and L1, and tells the other instances. */
    public void put(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        requireOpen();
        long ttl = jitteredTtlNanos();
        try {
            redisCall("SET", () -> redis.set(key, value, SetParams.setParams().px(Math.max(1, ttl / 1_000_000))));
        } catch (RedisUnavailableException e) {
            l1.remove(key); // never serve an older value than the one the caller meant to write
            throw e;
        }
        l1.put(key, new Lru.Entry(Optional.of(value), ticker.read() + ttl));
        publish(key);
    }

    /** Removes {@code key} from L1 and Redis, and from the other instances' L1 (pub/sub). */
    public void invalidate(String key) {
        Objects.requireNonNull(key, "key");
        requireOpen();
        l1.remove(key);
        redisCall("DEL", () -> redis.del(key));
        publish(key);
    }

    /**
     * Loads the values Redis has for {@code keys} into L1, {@link Settings#warmUpBatch()} keys per {@code MGET}, and
     * returns how many it found. Keys Redis lacks are left alone: no loader call, no "not found" entry.
     */
    public int warmUp(Collection<String> keys) {
        requireOpen();
        return mgetIntoL1(List.copyOf(keys)).size();
    }

    public Stats stats() {
        return new Stats(hits.sum(), misses.sum(), loads.sum(), loadFailures.sum(), coalesced.sum(), redisErrors.sum(),
                l1.evictions(), l1.size(), breaker.state(ticker.read()));
    }

    /** Stops the subscriber thread and closes every connection; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscriber.stop();
        redis.close();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Joins the fetch of {@code key} in flight, or runs one on this thread for everyone who comes meanwhile. */
    private Optional<String> fetchOnce(String key, boolean askRedis) {
        CompletableFuture<Optional<String>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<String>> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            coalesced.increment();
            return await(key, running);
        }
        try {
            // A fetch that finished between our L1 miss and putIfAbsent has filled L1: no second trip.
            Lru.Entry entry = l1.get(key, ticker.read());
            Optional<String> value = entry != null ? entry.value() : fetch(key, askRedis);
            mine.complete(value);
            return value;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine); // failed or not: the next miss starts afresh, nothing is poisoned
        }
    }

    private Optional<String> await(String key, CompletableFuture<Optional<String>> running) {
        try {
            return running.get(settings.waitTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new WaitTimeoutException(key, settings.waitTimeout());
        } catch (ExecutionException e) {
            // A fresh exception per waiter (its own stack), of the same kind and with the same cause.
            Throwable cause = e.getCause();
            if (cause instanceof LoadFailedException failed && failed.getCause() != null) {
                throw new LoadFailedException(key, failed.getCause());
            }
            if (cause instanceof RedisUnavailableException unavailable) {
                throw new RedisUnavailableException(String.valueOf(unavailable.getMessage()), unavailable);
            }
            throw new CacheException("fetching '" + key + "' failed", Objects.requireNonNullElse(cause, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("interrupted while waiting for '" + key + "'", e);
        }
    }

    private Optional<String> fetch(String key, boolean askRedis) {
        if (askRedis) {
            String cached = redisCall("GET", () -> redis.get(key));
            if (cached != null) {
                Optional<String> value = Optional.of(cached);
                l1.put(key, new Lru.Entry(value, ticker.read() + jitteredTtlNanos()));
                return value;
            }
        }
        Optional<String> loaded;
        loads.increment();
        try {
            loaded = Objects.requireNonNullElse(loader.load(key), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loadFailures.increment();
            throw new LoadFailedException(key, e);
        } catch (Exception e) {
            loadFailures.increment();
            throw new LoadFailedException(key, e);
        }
        if (loaded.isEmpty()) { // penetration guard: remember "not found" briefly, in L1 only
            l1.put(key, new Lru.Entry(loaded, ticker.read() + settings.negativeTtl().toNanos()));
            return loaded;
        }
        long ttl = jitteredTtlNanos();
        String value = loaded.get();
        try {
            redisCall("SET", () -> redis.set(key, value, SetParams.setParams().px(Math.max(1, ttl / 1_000_000))));
        } catch (RedisUnavailableException e) {
            // The caller has its value; the next instance will load it again. Counted as a Redis error already.
        }
        l1.put(key, new Lru.Entry(loaded, ticker.read() + ttl));
        return loaded;
    }

    /** MGETs {@code keys} in batches, puts what Redis has into L1 and returns it. */
    private Map<String, String> mgetIntoL1(List<String> keys) {
        Map<String, String> found = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += settings.warmUpBatch()) {
            String[] batch = keys.subList(from, Math.min(keys.size(), from + settings.warmUpBatch()))
                    .toArray(String[]::new);
            List<String> values = redisCall("MGET", () -> redis.mget(batch));
            long now = ticker.read();
            for (int i = 0; i < batch.length; i++) {
                String value = values.get(i);
                if (value != null) {
                    l1.put(batch[i], new Lru.Entry(Optional.of(value), now + jitteredTtlNanos()));
                    found.put(batch[i], value);
                }
            }
        }
        return found;
    }

    /** One Redis command through the breaker: refused at once while open, counted and reported when it fails. */
    private <T> T redisCall(String command, Supplier<T> call) {
        if (!breaker.allow(ticker.read())) {
            throw new RedisUnavailableException("circuit breaker open: Redis not asked (" + command + ")");
        }
        try {
            T result = call.get();
            breaker.success();
            return result;
        } catch (JedisException e) {
            redisErrors.increment();
            breaker.failure(ticker.read());
            if (e instanceof JedisConnectionException) {
                // The server went away or stalls: its idle connections are dead too; drop them, so that the probe
                // after a restart does not fail on a stale socket.
                redis.getPool().clear();
            }
            throw new RedisUnavailableException("Redis " + command + " failed: " + e.getMessage(), e);
        }
    }

    private void publish(String key) {
        redisCall("PUBLISH", () -> redis.publish(settings.invalidationChannel(), instanceId + " " + key));
    }

    private long jitteredTtlNanos() {
        long ttl = settings.ttl().toNanos();
        double jitter = settings.ttlJitter();
        if (jitter == 0) {
            return ttl;
        }
        return (long) (ttl * (1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter)));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this CachedKv is closed");
        }
    }

    /**
     * The invalidation listener: its own connection and thread (a subscribed connection can do nothing else). When it
     * has to reconnect, invalidations may have been missed meanwhile, so L1 is cleared once it is subscribed again.
     */
    private final class Subscriber extends JedisPubSub implements Runnable {
        private final HostAndPort address;
        private final Thread thread;
        private final CountDownLatch firstSubscribed = new CountDownLatch(1);
        private volatile @Nullable Jedis connection;
        private boolean subscribedBefore;

        Subscriber(HostAndPort address) {
            this.address = address;
            this.thread = new Thread(this, "cachedkv-invalidations");
            thread.setDaemon(true);
        }

        void start(Duration wait) {
            thread.start();
            try {
                firstSubscribed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            long backoffMillis = 50;
            while (!closed) {
                try (Jedis jedis = new Jedis(address, DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis((int) Math.max(1, settings.redisTimeout().toMillis()))
                        .socketTimeoutMillis(0) // a subscriber waits for messages as long as it takes
                        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build())) {
                    connection = jedis;
                    if (closed) {
                        return;
                    }
                    jedis.subscribe(this, settings.invalidationChannel());
                } catch (JedisException e) {
                    if (closed) {
                        return;
                    }
                    // Redis is down: retry with capped backoff (this thread only; readers never wait for it).
                    try {
                        Thread.sleep(backoffMillis);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    backoffMillis = Math.min(1_000, backoffMillis * 2);
                } finally {
                    connection = null;
                }
            }
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            if (subscribedBefore) {
                l1.clear();
            }
            subscribedBefore = true;
            firstSubscribed.countDown();
        }

        @Override
        public void onMessage(String channel, String message) {
            int space = message.indexOf(' ');
            if (space > 0 && !message.substring(0, space).equals(instanceId)) {
                l1.remove(message.substring(space + 1));
            }
        }

        void stop() {
            Jedis current = connection;
            if (current != null) {
                current.disconnect(); // ends the blocking read in subscribe() at once
            }
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
