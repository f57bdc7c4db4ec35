package dev.opsworkbook.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a configuration. {@link #toString()} is the line users read, e.g.
 * {@code server.port: expected an integer, got "eighty" (app.yaml:3:9)}.
 *
 * @param key     the canonical key the problem is about ({@code server.port}, {@code upstreams[1].url}); for an
 *                unknown key, the key as written, in canonical form; {@code ""} when it concerns a whole file
 *                (missing, malformed, not a mapping)
 * @param source  where the bad value (or the unknown key) was found; {@link Source#DEFAULT} for a default or a
 *                missing value
 * @param value   the offending value's text, {@value Secret#MASK} if it is secret; {@code null} when there is
 *                none to show (a missing value, an unknown key, a whole-file problem)
 * @param message what was expected, e.g. {@code expected an integer},
 *                {@code must be less than or equal to 65535}, {@code unknown key, did you mean server.port?}
 */
public record ConfigProblem(String key, Source source, @Nullable String value, String message) {
    public ConfigProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return (key.isEmpty() ? "" : key + ": ") + message + (value == null ? "" : ", got \"" + value + "\"")
                + " (" + source + ")";
    }
}
