package dev.opsworkbook.health;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * The service's configuration.
 *
 * @param port          TCP port on the loopback address; 0 picks a free one
 * @param version       the version reported by {@code /healthz} (e.g. {@code v1.2.3})
 * @param cacheInterval how long a round of check results is fresh: no check runs again before it has passed
 * @param maxStaleness  how old a round of results may be and still be served while a refresh runs in the
 *                      background; older results are never served. At least {@code cacheInterval}.
 * @param drainPeriod   how long {@code close()} (or SIGTERM) keeps accepting connections, with {@code /readyz}
 *                      at 503, before the listener closes: the time a load balancer needs to notice
 * @param drainDeadline how long, after the listener closes, {@code close()} waits for requests still in flight
 * @param config        the effective configuration, key by key, as {@code /config} shows it (secrets masked)
 * @param clock         the time source for cache ages (tests give a fake one); durations of checks and requests
 *                      may use {@link System#nanoTime()}
 */
public record Settings(int port, String version, Duration cacheInterval, Duration maxStaleness, Duration drainPeriod,
                       Duration drainDeadline, Map<String, String> config, InstantSource clock) {

    /** The SLF4J logger of the access log: one INFO event per request. */
    public static final String ACCESS_LOG = "dev.opsworkbook.health.access";
    /** The request header carrying the request id, echoed in every response. */
    public static final String REQUEST_ID_HEADER = "X-Request-ID";
    /** The SLF4J MDC key holding the request id while a request (or a check run for it) is handled. */
    public static final String MDC_REQUEST_ID = "request_id";

    public Settings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Objects.requireNonNull(version, "version");
        requirePositive(cacheInterval, "cacheInterval");
        requirePositive(maxStaleness, "maxStaleness");
        if (maxStaleness.compareTo(cacheInterval) < 0) {
            throw new IllegalArgumentException("maxStaleness " + maxStaleness + " is shorter than cacheInterval "
                    + cacheInterval);
        }
        Objects.requireNonNull(drainPeriod, "drainPeriod");
        Objects.requireNonNull(drainDeadline, "drainDeadline");
        if (drainPeriod.isNegative() || drainDeadline.isNegative()) {
            throw new IllegalArgumentException("drain durations must not be negative");
        }
        config = Map.copyOf(config);
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * Port 0, version {@code dev}, results fresh for 5 s and served up to 30 s old, a 5 s drain period and a
     * 10 s drain deadline, no configuration, the system clock.
     */
    public static Settings defaults() {
        return new Settings(0, "dev", Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Map.of(), InstantSource.system());
    }

    public Settings withPort(int newPort) {
        return new Settings(newPort, version, cacheInterval, maxStaleness, drainPeriod, drainDeadline, config, clock);
    }

    public Settings withVersion(String newVersion) {
        return new Settings(port, newVersion, cacheInterval, maxStaleness, drainPeriod, drainDeadline, config, clock);
    }

    public Settings withCache(Duration newInterval, Duration newMaxStaleness) {
        return new Settings(port, version, newInterval, newMaxStaleness, drainPeriod, drainDeadline, config, clock);
    }

    public Settings withDrain(Duration newPeriod, Duration newDeadline) {
        return new Settings(port, version, cacheInterval, maxStaleness, newPeriod, newDeadline, config, clock);
    }

    public Settings withConfig(Map<String, String> newConfig) {
        return new Settings(port, version, cacheInterval, maxStaleness, drainPeriod, drainDeadline, newConfig, clock);
    }

    public Settings withClock(InstantSource newClock) {
        return new Settings(port, version, cacheInterval, maxStaleness, drainPeriod, drainDeadline, config, newClock);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
