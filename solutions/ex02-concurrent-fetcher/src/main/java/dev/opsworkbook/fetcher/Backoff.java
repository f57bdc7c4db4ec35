package dev.opsworkbook.fetcher;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Retry delays: capped full jitter, and the server's {@code Retry-After}. */
final class Backoff {

    private Backoff() {
    }

    /**
     * Full jitter (AWS, "Exponential Backoff and Jitter"): uniform in {@code [0, min(cap, base·2^(retry-1))]}.
     * The cap bounds the range before the draw; jitter added after the cap would break it.
     */
    static Duration fullJitter(Duration base, Duration cap, int retry, RandomGenerator random) {
        long ceiling = Math.min(cap.toNanos(), saturatedShift(base.toNanos(), retry - 1));
        return Duration.ofNanos(random.nextLong(ceiling + 1));
    }

    /** {@code value·2^shift} without overflowing into a negative delay after ~62 retries. */
    private static long saturatedShift(long value, int shift) {
        if (value == 0) {
            return 0;
        }
        return shift >= Long.numberOfLeadingZeros(value) - 1 ? Long.MAX_VALUE - 1 : value << shift;
    }

    /**
     * The delay a {@code Retry-After} header asks for, clamped to {@code [0, max]}; null if the header is
     * absent or unreadable (then the computed backoff applies). RFC 9110 allows delta-seconds or an HTTP-date.
     */
    static @Nullable Duration retryAfter(@Nullable String header, Duration max, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        Duration asked;
        if (value.chars().allMatch(Character::isDigit)) {
            // Huge delta-seconds (a misconfigured proxy) must clamp, not overflow; leading zeros are allowed.
            String digits = value.replaceFirst("^0+(?=\\d)", "");
            asked = digits.length() > 12 ? max : Duration.ofSeconds(Long.parseLong(digits));
        } else {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                asked = Duration.between(now, at);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (asked.isNegative()) {
            return Duration.ZERO;
        }
        return asked.compareTo(max) > 0 ? max : asked;
    }
}
