package dev.opsworkbook.config;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * A configuration value that must never be printed: a password, a token, a private key. {@link #toString()} is
 * always {@code ***}, so a record that holds a {@code Secret} prints it masked, and so does any log line or message
 * that formats the record. Only {@link #reveal()} gives the value, for the one place that needs it (the database
 * driver, the HTTP client).
 */
public final class Secret {

    /** What every masked value is shown as: in {@link #toString()}, the effective config and error messages. */
    public static final String MASK = "***";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** Wraps {@code value}. */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself. Do not log it. */
    public String reveal() {
        return value;
    }

    /** Always {@value #MASK}. */
    @Override
    public String toString() {
        return MASK;
    }

    /** Equal when the values are equal (compared in constant time). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
