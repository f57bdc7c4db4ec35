package dev.opsworkbook.cache;

/**
 * Redis was needed and could not answer: a command failed or took longer than {@link Settings#redisTimeout()} (the
 * cause says which), or the circuit breaker is open (no cause: Redis was not asked).
 */
public class RedisUnavailableException extends CacheException {
    private static final long serialVersionUID = 1L;

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public RedisUnavailableException(String message) {
        super(message);
    }
}
