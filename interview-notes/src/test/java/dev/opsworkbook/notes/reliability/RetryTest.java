package dev.opsworkbook.notes.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Q9: retry with capped full jitter, Retry-After and an overall deadline")
class RetryTest {

    /** A fake clock that only moves when the fake sleeper sleeps. */
    long now = 1_000_000_000L;
    final List<Duration> sleeps = new ArrayList<>();
    final Retry.Sleeper sleeper = d -> {
        sleeps.add(d);
        now += d.toNanos();
    };

    Retry retry(int attempts, Duration deadline, RandomGenerator random) {
        return new Retry(attempts, Duration.ofMillis(100), Duration.ofSeconds(2), deadline,
                e -> e instanceof IOException || e instanceof Retry.RetryAfterException,
                () -> now, sleeper, random);
    }

    /** Random that always returns the top of the range: the worst case for the deadline. */
    static final RandomGenerator MAX = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    @DisplayName("succeeds after transient failures, sleeping between attempts")
    void succeedsAfterTransientFailures() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String result = retry(5, Duration.ofSeconds(30), MAX).call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("connection reset");
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    @DisplayName("each backoff lies in [0, min(cap, base * 2^attempt)]: full jitter, capped")
    void fullJitterIsBounded() {
        Retry r = retry(10, Duration.ofMinutes(1), RandomGenerator.of("L64X128MixRandom"));
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = Math.min(2_000, 100L << Math.min(attempt, 30));
            for (int i = 0; i < 200; i++) {
                assertThat(r.backoff(attempt)).isBetween(Duration.ZERO, Duration.ofMillis(ceiling));
            }
        }
        assertThat(retry(10, Duration.ofMinutes(1), MAX).backoff(12)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    @DisplayName("does not retry a non-retryable error")
    void nonRetryable() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry(5, Duration.ofSeconds(30), MAX).call(() -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("400 Bad Request");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    @DisplayName("stops at max attempts and keeps the earlier failures as suppressed exceptions")
    void maxAttempts() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry(3, Duration.ofMinutes(5), MAX).call(() -> {
            throw new IOException("attempt " + calls.incrementAndGet());
        })).hasMessage("attempt 3").satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(calls).hasValue(3);
    }

    @Nested
    @DisplayName("the overall deadline")
    class Deadline {
        @Test
        @DisplayName("is never overrun, however many attempts are allowed")
        void neverOverrun() {
            long start = now;
            AtomicInteger calls = new AtomicInteger();
            assertThatThrownBy(() -> retry(1_000, Duration.ofSeconds(3), MAX).call(() -> {
                calls.incrementAndGet();
                throw new IOException("down");
            })).isInstanceOf(IOException.class);
            // worst-case sleeps 100 + 200 + 400 + 800 ms = 1.5 s; the next (1.6 s) would end at 3.1 s > 3 s
            assertThat(Duration.ofNanos(now - start)).isLessThanOrEqualTo(Duration.ofSeconds(3));
            assertThat(sleeps).hasSize(4);
            assertThat(calls).hasValue(5);
        }
    }

    @Test
    @DisplayName("waits at least Retry-After when the server sends it")
    void honoursRetryAfter() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String r = retry(3, Duration.ofSeconds(30), MAX).call(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new Retry.RetryAfterException("429", Retry.parseRetryAfterSeconds("7").orElseThrow());
            }
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
        assertThat(Retry.parseRetryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Optional.empty());
    }

    @Test
    @DisplayName("gives up when Retry-After points past the deadline")
    void retryAfterPastDeadline() {
        assertThatThrownBy(() -> retry(3, Duration.ofSeconds(5), MAX).call(() -> {
            throw new Retry.RetryAfterException("503", Duration.ofSeconds(60));
        })).isInstanceOf(Retry.RetryAfterException.class);
        assertThat(sleeps).isEmpty();
    }

    @Test
    @DisplayName("an interrupted sleep stops retrying and leaves the interrupt flag set")
    void interruptRestored() {
        Retry r = new Retry(5, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30),
                e -> true, () -> now, d -> {
                    throw new InterruptedException("shutdown");
                }, MAX);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> r.call(() -> {
            calls.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag restored").isTrue();
        assertThat(calls).hasValue(1);
    }
}
