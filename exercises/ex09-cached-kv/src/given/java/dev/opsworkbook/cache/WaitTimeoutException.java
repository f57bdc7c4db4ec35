package dev.opsworkbook.cache;

/**
 * A {@code get} waited {@link Settings#waitTimeout()} for another caller's fetch of the same key without an answer. The
 * fetch goes on, and its result is cached for the callers after.
 */
public class WaitTimeoutException extends CacheException {
    private static final long serialVersionUID = 1L;

    public WaitTimeoutException(String key, java.time.Duration waited) {
        super("waited " + waited.toMillis() + " ms for another caller's fetch of '" + key + "'");
    }
}
