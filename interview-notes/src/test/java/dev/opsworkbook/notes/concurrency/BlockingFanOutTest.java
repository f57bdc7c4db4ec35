package dev.opsworkbook.notes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@DisplayName("Q1: virtual threads vs a platform pool for blocking work")
class BlockingFanOutTest {

    static final int TASKS = 10_000;

    /** Tasks that each block until the gate opens (or 10 s pass), recording how many block at once. */
    static List<Callable<Integer>> gatedTasks(CountDownLatch gate, AtomicInteger blockedNow, AtomicInteger peak) {
        return IntStream.range(0, TASKS).<Callable<Integer>>mapToObj(i -> () -> {
            peak.accumulateAndGet(blockedNow.incrementAndGet(), Math::max);
            try {
                gate.await(10, TimeUnit.SECONDS);
            } finally {
                blockedNow.decrementAndGet();
            }
            return i;
        }).toList();
    }

    @Test
    @DisplayName("10,000 tasks block at the same time on virtual threads, so they all finish after one wait")
    void allTenThousandBlockAtOnceOnVirtualThreads() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger blockedNow = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Thread opener = Thread.ofPlatform().start(() -> {
            // open the gate only once every task is parked on it: proof they were all in flight together
            while (blockedNow.get() < TASKS && !Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
            gate.countDown();
        });
        try {
            List<Integer> results = BlockingFanOut.onVirtualThreads(gatedTasks(gate, blockedNow, peak));
            assertThat(results).hasSize(TASKS).startsWith(0, 1, 2).endsWith(TASKS - 1);
            assertThat(peak.get()).as("tasks blocked at the same moment").isEqualTo(TASKS);
        } finally {
            opener.interrupt();
            opener.join();
        }
    }

    @Test
    @DisplayName("a pool of 50 platform threads never has more than 50 tasks in flight")
    void aPlatformPoolCapsConcurrencyAtItsSize() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger blockedNow = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        gate.countDown(); // nothing waits: we only count how many run at once
        BlockingFanOut.onPlatformPool(gatedTasks(gate, blockedNow, peak), 50);
        assertThat(peak.get()).as("tasks in flight at the same moment").isBetween(1, 50);
    }

    @Test
    @Timeout(30)
    @DisplayName("10,000 tasks sleeping 10 ms: 50 platform threads need 200 rounds; virtual threads are far faster")
    void virtualThreadsFinishProportionallyFaster() throws Exception {
        List<Callable<Integer>> tasks = IntStream.range(0, TASKS).<Callable<Integer>>mapToObj(i -> () -> {
            Thread.sleep(10);
            return i;
        }).toList();
        long t0 = System.nanoTime();
        BlockingFanOut.onVirtualThreads(tasks);
        long virtualNanos = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        BlockingFanOut.onPlatformPool(tasks, 50);
        long platformNanos = System.nanoTime() - t1;

        // Guaranteed by sleep semantics: each of the 50 threads runs 200 sleeps of at least 10 ms.
        assertThat(Duration.ofNanos(platformNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(2_000));
        // Wide margin: on an idle machine the ratio is ~10-20x; we only require 2x.
        assertThat(platformNanos)
                .as("platform pool %d ms vs virtual threads %d ms", platformNanos / 1_000_000, virtualNanos / 1_000_000)
                .isGreaterThan(2 * virtualNanos);
    }

    @Test
    @DisplayName("a CompletableFuture chain falls back instead of waiting past its deadline")
    void asyncFallbackOnDeadline() {
        CompletableFuture<String> never = new CompletableFuture<>();
        assertThat(BlockingFanOut.lookupWithFallback(never, Duration.ofMillis(50)).join()).isEqualTo("unknown");
        assertThat(BlockingFanOut.lookupWithFallback(CompletableFuture.completedFuture(" db-1 "), Duration.ofSeconds(5))
                .join()).isEqualTo("db-1");
        assertThat(BlockingFanOut.lookupWithFallback(CompletableFuture.failedFuture(new IllegalStateException()),
                Duration.ofSeconds(5)).join()).isEqualTo("unknown");
    }

    @Test
    @DisplayName("the CPU-bound pool is sized by the cores the JVM sees (container limits included)")
    void cpuPoolSize() {
        assertThat(BlockingFanOut.cpuThreads()).isEqualTo(Runtime.getRuntime().availableProcessors()).isPositive();
    }
}
