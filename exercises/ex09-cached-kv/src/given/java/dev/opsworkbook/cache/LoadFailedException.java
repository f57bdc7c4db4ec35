package dev.opsworkbook.cache;

/**
 * The {@link Loader} threw: thrown to the caller that ran the load and to every caller that waited for it; the
 * loader's exception is the cause. Nothing is cached, so the next {@code get} of the key loads again.
 */
public class LoadFailedException extends CacheException {
    private static final long serialVersionUID = 1L;

    public LoadFailedException(String key, Throwable cause) {
        super("loading '" + key + "' failed: " + cause, cause);
    }
}
