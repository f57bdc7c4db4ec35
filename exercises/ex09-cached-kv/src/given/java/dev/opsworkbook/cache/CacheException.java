package dev.opsworkbook.cache;

/** The base of the exceptions a {@link CachedKv} throws. */
public class CacheException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }

    public CacheException(String message) {
        super(message);
    }
}
