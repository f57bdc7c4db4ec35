package dev.opsworkbook.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Loads a configuration record from layered sources, merged key by key with the precedence
 * flag &gt; environment &gt; file &gt; defaults, and validates it, reporting every problem at once.
 *
 * <pre>{@code
 * Loaded<AppConfig> loaded = ConfigLoader.of(AppConfig.class)
 *         .file(Path.of("app.yaml"))      // optional; a --config FILE flag replaces it
 *         .env(System.getenv())           // the default
 *         .prefix("APP_")                 // the default
 *         .args(args)                     // --server.port=80, --server.port 80, --config FILE
 *         .load();                        // or ConfigException listing every problem
 * }</pre>
 *
 * <p>The contract is the exercise README ("What you build"): names and their forms, value types, defaults,
 * errors, secrets. A loader is configured by one thread, then {@link #load()} may be called any number of times;
 * each call reads every source again.
 *
 * @param <R> the configuration record type
 */
public final class ConfigLoader<R extends Record> {

    private ConfigLoader() {
    }

    /**
     * A loader for {@code type}, with no file, the process environment, the prefix {@code APP_} and no flags.
     *
     * @throws IllegalArgumentException if {@code type} is not a record, or a component has a type the README does
     *                                  not list (the message names the component)
     */
    public static <R extends Record> ConfigLoader<R> of(Class<R> type) {
        throw new UnsupportedOperationException("TODO ConfigLoader.of: look at the record's components");
    }

    /** The YAML file to read; it must exist when {@link #load()} runs. A {@code --config FILE} flag replaces it. */
    public ConfigLoader<R> file(Path file) {
        throw new UnsupportedOperationException("TODO ConfigLoader.file");
    }

    /** The environment to read instead of the process's ({@code System.getenv()}). */
    public ConfigLoader<R> env(Map<String, String> env) {
        throw new UnsupportedOperationException("TODO ConfigLoader.env");
    }

    /**
     * Only variables whose name starts with {@code prefix} (ignoring case) are configuration; default {@code APP_}.
     *
     * @throws IllegalArgumentException if {@code prefix} is empty
     */
    public ConfigLoader<R> prefix(String prefix) {
        throw new UnsupportedOperationException("TODO ConfigLoader.prefix");
    }

    /** The command-line flags, e.g. {@code main}'s {@code args}: {@code --key=value}, {@code --key value}. */
    public ConfigLoader<R> args(String... args) {
        throw new UnsupportedOperationException("TODO ConfigLoader.args");
    }

    /**
     * Reads every source, merges them key by key, binds the record and validates it.
     *
     * @throws ConfigException with every problem found, each with its key, source, value (masked if secret) and
     *                         what was expected
     */
    public Loaded<R> load() {
        throw new UnsupportedOperationException("TODO ConfigLoader.load: read, merge, bind, validate");
    }

    /**
     * Loads the configuration now (throwing {@link ConfigException} if it is invalid) and returns a watch that reads
     * the file again on {@link ConfigWatch#checkNow()} and, when {@code pollInterval} is not {@code null}, every
     * {@code pollInterval} on a thread of its own until {@link ConfigWatch#close()}.
     *
     * @throws IllegalStateException if no file was given
     */
    public ConfigWatch<R> watch(Duration pollInterval) {
        throw new UnsupportedOperationException("TODO ConfigLoader.watch (stretch task)");
    }
}
