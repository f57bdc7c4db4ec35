package dev.opsworkbook.notes.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Q10: a token bucket (capacity = burst, refill = rate)")
class TokenBucketTest {

    final AtomicLong clock = new AtomicLong(42L);

    void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    static int drain(TokenBucket bucket) {
        int n = 0;
        while (bucket.tryAcquire()) {
            n++;
        }
        return n;
    }

    @Nested
    @DisplayName("regression: the seed capped tokens at rate instead of burst")
    class CapsAtBurst {

        // @start region=regression-test
        @ParameterizedTest(name = "rate={0}/s burst={1}")
        @CsvSource({"100, 200", "5, 50", "10, 1", "1000, 1000"})
        @DisplayName("after a long idle exactly `burst` immediate acquisitions succeed, and the next one waits")
        void exactlyBurstAfterLongIdle(double rate, int burst) {
            TokenBucket bucket = new TokenBucket(rate, burst, clock::get);
            drain(bucket);
            clock.addAndGet(Duration.ofHours(1).toNanos());   // idle long enough to overfill any wrong cap
            assertThat(drain(bucket)).as("immediate acquisitions after idling").isEqualTo(burst);
            assertThat(bucket.timeUntilNextToken()).isEqualTo(Duration.ofNanos((long) Math.ceil(1e9 / rate)));
        }
        // @end region=regression-test

        @Test
        @DisplayName("the seed's version (min(tokens + dt*rate, rate)) fails that test")
        void seedVersionFails() {
            // A line-for-line port of the seed's refill, kept here as the counter-example.
            double[] state = {200, 0};                        // tokens, last
            double rate = 100;
            Runnable seedRefill = () -> {
                double now = clock.get() / 1e9;
                state[0] = Math.min(state[0] + (now - state[1]) * rate, rate);
                state[1] = now;
            };
            clock.addAndGet(Duration.ofHours(1).toNanos());
            seedRefill.run();
            assertThat((int) state[0]).as("seed: tokens after idle with burst=200").isEqualTo(100);
        }
    }

    @Test
    @DisplayName("refills at `rate`: one token per 1/rate seconds, fractional time accumulates")
    void refillsAtRate() {
        TokenBucket bucket = new TokenBucket(10, 5, clock::get);
        assertThat(drain(bucket)).isEqualTo(5);
        advance(Duration.ofMillis(99));
        assertThat(bucket.tryAcquire()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(bucket.tryAcquire()).isTrue();
        advance(Duration.ofMillis(350));
        assertThat(drain(bucket)).isEqualTo(3);
        advance(Duration.ofMillis(50));
        assertThat(drain(bucket)).as("the half token left from 350 ms plus 50 ms").isEqualTo(1);
    }

    @Test
    @DisplayName("acquire() waits exactly the time to the next token (injected sleeper)")
    void acquireWaits() throws InterruptedException {
        TokenBucket bucket = new TokenBucket(4, 2, clock::get);
        List<Long> slept = new ArrayList<>();
        TokenBucket.Sleeper sleeper = nanos -> {
            slept.add(nanos);
            clock.addAndGet(nanos);
        };
        for (int i = 0; i < 4; i++) {
            bucket.acquire(sleeper);
        }
        assertThat(slept).containsExactly(250_000_000L, 250_000_000L);
    }

    @Test
    @DisplayName("is thread-safe: 8 threads racing on a frozen clock get exactly `burst` tokens")
    void threadSafe() throws InterruptedException {
        for (int round = 0; round < 20; round++) {
            TokenBucket bucket = new TokenBucket(1, 1_000, clock::get);
            AtomicInteger granted = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 500; i++) {
                        if (bucket.tryAcquire()) {
                            granted.incrementAndGet();
                        }
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(granted).as("tokens granted in round %d", round).hasValue(1_000);
        }
    }
}
