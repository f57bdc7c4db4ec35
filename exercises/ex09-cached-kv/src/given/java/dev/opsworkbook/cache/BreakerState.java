package dev.opsworkbook.cache;

/** The circuit breaker in front of Redis, as {@link Stats#breaker()} reports it. */
public enum BreakerState {
    /** Requests go to Redis; consecutive failures are counted. */
    CLOSED,
    /** Redis is not asked: misses fail at once with {@link RedisUnavailableException}. */
    OPEN,
    /** The open time has passed: the next request that needs Redis is let through as a probe. */
    HALF_OPEN
}
