package dev.opsworkbook.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link CachedKv} is set up. Build one with {@link #builder(String, int)}; every setting has the default shown.
 *
 * @param redisHost           Redis's host
 * @param redisPort           Redis's port
 * @param maxEntries          at most this many entries in L1, "not found" entries included (default 10,000)
 * @param ttl                 time-to-live of a value, before jitter, in L1 and in Redis (default 10 min)
 * @param ttlJitter           each value's TTL is {@code ttl × (1 + u)}, {@code u} uniform in
 *                            {@code [-ttlJitter, +ttlJitter]}, drawn once per value (default 0.10; 0 disables it)
 * @param negativeTtl         how long L1 remembers a "not found" from the loader; no jitter (default 30 s)
 * @param redisTimeout        the longest one Redis command (or connecting) may take before it counts as failed
 *                            (default 250 ms)
 * @param waitTimeout         the longest a {@code get} waits for another caller's fetch of the same key (default 2 s)
 * @param breakerFailures     consecutive Redis failures that open the circuit breaker (default 5)
 * @param breakerOpenFor      how long the breaker stays open before it half-opens, on the {@link #ticker()} (default
 *                            5 s)
 * @param warmUpBatch         at most this many keys per {@code MGET} or pipeline in {@code warmUp} (default 1,000)
 * @param invalidationChannel the pub/sub channel on which instances tell each other about changed keys (default
 *                            {@code "cachedkv:invalidate"})
 * @param ticker              the clock of L1 TTLs and the breaker (default {@link Ticker#system()})
 */
public record Settings(String redisHost, int redisPort, int maxEntries, Duration ttl, double ttlJitter,
                       Duration negativeTtl, Duration redisTimeout, Duration waitTimeout, int breakerFailures,
                       Duration breakerOpenFor, int warmUpBatch, String invalidationChannel, Ticker ticker) {

    public Settings {
        Objects.requireNonNull(redisHost, "redisHost");
        Objects.requireNonNull(invalidationChannel, "invalidationChannel");
        Objects.requireNonNull(ticker, "ticker");
        if (redisPort < 1 || redisPort > 65535) {
            throw new IllegalArgumentException("redisPort must be 1..65535, got " + redisPort);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        positive(ttl, "ttl");
        positive(negativeTtl, "negativeTtl");
        positive(redisTimeout, "redisTimeout");
        positive(waitTimeout, "waitTimeout");
        positive(breakerOpenFor, "breakerOpenFor");
        if (!(ttlJitter >= 0 && ttlJitter < 1)) {
            throw new IllegalArgumentException("ttlJitter must be in [0, 1), got " + ttlJitter);
        }
        if (breakerFailures < 1) {
            throw new IllegalArgumentException("breakerFailures must be at least 1, got " + breakerFailures);
        }
        if (warmUpBatch < 1) {
            throw new IllegalArgumentException("warmUpBatch must be at least 1, got " + warmUpBatch);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Settings for the Redis at {@code host:port}, with every other setting at its default. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(redisHost, redisPort).maxEntries(maxEntries).ttl(ttl).ttlJitter(ttlJitter)
                .negativeTtl(negativeTtl).redisTimeout(redisTimeout).waitTimeout(waitTimeout)
                .breakerFailures(breakerFailures).breakerOpenFor(breakerOpenFor).warmUpBatch(warmUpBatch)
                .invalidationChannel(invalidationChannel).ticker(ticker);
    }

    /** Builds {@link Settings}; see the record's components for each setting. */
    public static final class Builder {
        private final String redisHost;
        private final int redisPort;
        private int maxEntries = 10_000;
        private Duration ttl = Duration.ofMinutes(10);
        private double ttlJitter = 0.10;
        private Duration negativeTtl = Duration.ofSeconds(30);
        private Duration redisTimeout = Duration.ofMillis(250);
        private Duration waitTimeout = Duration.ofSeconds(2);
        private int breakerFailures = 5;
        private Duration breakerOpenFor = Duration.ofSeconds(5);
        private int warmUpBatch = 1_000;
        private String invalidationChannel = "cachedkv:invalidate";
        private Ticker ticker = Ticker.system();

        private Builder(String redisHost, int redisPort) {
            this.redisHost = redisHost;
            this.redisPort = redisPort;
        }

        public Builder maxEntries(int value) {
            maxEntries = value;
            return this;
        }

        public Builder ttl(Duration value) {
            ttl = value;
            return this;
        }

        public Builder ttlJitter(double value) {
            ttlJitter = value;
            return this;
        }

        public Builder negativeTtl(Duration value) {
            negativeTtl = value;
            return this;
        }

        public Builder redisTimeout(Duration value) {
            redisTimeout = value;
            return this;
        }

        public Builder waitTimeout(Duration value) {
            waitTimeout = value;
            return this;
        }

        public Builder breakerFailures(int value) {
            breakerFailures = value;
            return this;
        }

        public Builder breakerOpenFor(Duration value) {
            breakerOpenFor = value;
            return this;
        }

        public Builder warmUpBatch(int value) {
            warmUpBatch = value;
            return this;
        }

        public Builder invalidationChannel(String value) {
            invalidationChannel = value;
            return this;
        }

        public Builder ticker(Ticker value) {
            ticker = value;
            return this;
        }

        public Settings build() {
            return new Settings(redisHost, redisPort, maxEntries, ttl, ttlJitter, negativeTtl, redisTimeout,
                    waitTimeout, breakerFailures, breakerOpenFor, warmUpBatch, invalidationChannel, ticker);
        }
    }
}
