package dev.opsworkbook.config;

import java.util.Objects;

/**
 * A configuration that loaded and validated: the bound record and where each of its values came from.
 *
 * @param <R> the configuration record type
 */
public record Loaded<R extends Record>(R config, EffectiveConfig effective) {
    public Loaded {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(effective, "effective");
    }
}
