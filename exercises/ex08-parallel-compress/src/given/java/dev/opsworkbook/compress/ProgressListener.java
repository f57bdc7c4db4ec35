package dev.opsworkbook.compress;

/**
 * Told how far a {@code compress} call has got, in bytes. Given: do not change this type.
 *
 * <p>The compressor calls it from its worker threads, but <strong>never two calls at once</strong>, and each call
 * sees more bytes done than the one before (see the README, Task 3). Keep it quick: workers wait while it runs.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything (the default). */
    ProgressListener NONE = progress -> { };

    void onProgress(Progress progress);
}
