package dev.opsworkbook.config;

import java.util.function.Consumer;

/**
 * A configuration that follows its file: see {@code ConfigLoader#watch}. Environment and flags are read once,
 * when the watch starts; only the file is read again.
 *
 * @param <R> the configuration record type
 */
public interface ConfigWatch<R extends Record> extends AutoCloseable {

    /** The configuration in force: the last valid one. */
    Loaded<R> current();

    /**
     * Reads the file now. If its bytes differ from the last read, loads and validates the whole configuration
     * again: when valid, swaps it in atomically, calls every change listener with the previous and the new one
     * and returns {@code true}; when invalid, keeps the current one, calls every error listener with the
     * {@link ConfigException} and returns {@code false}. Returns {@code false} when the file is unchanged.
     * Safe to call from several threads: one reload at a time.
     */
    boolean checkNow();

    /** Adds a listener for successful swaps; it runs on the thread that found the change. */
    void onChange(ConfigListener<R> listener);

    /** Adds a listener for rejected edits; it runs on the thread that found the change. */
    void onError(Consumer<ConfigException> listener);

    /** Stops watching (and any thread the watch started); {@link #current()} keeps working. */
    @Override
    void close();
}
