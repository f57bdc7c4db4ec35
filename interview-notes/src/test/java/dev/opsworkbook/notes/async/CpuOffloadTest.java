package dev.opsworkbook.notes.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsworkbook.testing.LeakCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q30: CPU-bound work inside an I/O service")
class CpuOffloadTest {

    static final int CARRIERS = CpuOffload.carriers();

    /** Burns CPU without blocking until {@code stop} says so or {@code maxNanos} pass; true if stopped early. */
    static boolean spin(BooleanSupplier stop, long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        long x = 0;
        while (System.nanoTime() < deadline) {
            x += Long.numberOfTrailingZeros(x + 1); // real work, no park, no yield
            if (stop.getAsBoolean()) {
                return x >= 0;
            }
        }
        return false;
    }

    @Test
    @DisplayName("one CPU-bound virtual thread per carrier: a health check cannot run until one of them finishes")
    void cpuWorkOnVirtualThreadsStarvesTheRest() throws Exception {
        CountDownLatch spinning = new CountDownLatch(CARRIERS);
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger finishedWhenHealthRan = new AtomicInteger(-1);
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CARRIERS; i++) {
                requests.execute(() -> {
                    spinning.countDown();
                    spin(() -> false, TimeUnit.MILLISECONDS.toNanos(500)); // virtual threads are not time-sliced
                    finished.incrementAndGet();
                });
            }
            assertThat(spinning.await(20, TimeUnit.SECONDS)).isTrue();
            requests.execute(() -> finishedWhenHealthRan.set(finished.get()));
        }
        assertThat(finishedWhenHealthRan.get())
                .as("CPU-bound requests that had finished when the health check got a carrier (of %d)", CARRIERS)
                .isPositive();
    }

    @Test
    @DisplayName("the same work offloaded to a bounded platform pool: the health check runs while all of it computes")
    void offloadedCpuWorkLeavesTheCarriersFree() throws Exception {
        AtomicBoolean healthRan = new AtomicBoolean();
        CountDownLatch computing = new CountDownLatch(CARRIERS);
        List<Future<Boolean>> stoppedEarly = new ArrayList<>();
        try (ThreadPoolExecutor cpu = CpuOffload.cpuPool(CARRIERS, 4);
             ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CARRIERS; i++) {
                stoppedEarly.add(requests.submit(() -> CpuOffload.offload(cpu, () -> {
                    computing.countDown();
                    return spin(healthRan::get, TimeUnit.SECONDS.toNanos(20));
                })));
            }
            assertThat(computing.await(20, TimeUnit.SECONDS)).isTrue();
            requests.execute(() -> healthRan.set(true));
            for (Future<Boolean> f : stoppedEarly) {
                assertThat(f.get()).as("the CPU job was still computing when the health check ran").isTrue();
            }
        }
    }

    @Test
    @DisplayName("the pool is bounded: with every thread busy and the queue full, the next job is refused at once")
    void boundedPoolRefusesWhenFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ThreadPoolExecutor cpu = CpuOffload.cpuPool(2, 3)) {
            for (int i = 0; i < 5; i++) {
                cpu.execute(() -> {
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThatThrownBy(() -> CpuOffload.offload(cpu, () -> 42))
                    .isInstanceOf(RejectedExecutionException.class);
            release.countDown();
        }
    }
}
