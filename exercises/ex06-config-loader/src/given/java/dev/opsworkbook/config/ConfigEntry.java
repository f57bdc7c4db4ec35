package dev.opsworkbook.config;

import java.util.Objects;

/**
 * One line of the effective configuration: a key, the value in force (already masked if it is secret) and where
 * it came from.
 *
 * @param key    the canonical key: record component names in kebab-case joined by dots, list elements by index
 *               ({@code database.max-pool-size}, {@code upstreams[0].url})
 * @param value  the value's text: {@code String.valueOf} of the bound value ({@code 8080}, {@code PT30S},
 *               {@code [a, b]}, {@code null}), or {@value Secret#MASK} for a secret, or a URI with its password
 *               masked ({@code postgres://app:***@db:5432/app})
 * @param source where the value came from
 */
public record ConfigEntry(String key, String value, Source source) {
    public ConfigEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
    }
}
