package dev.opsworkbook.notes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsworkbook.testing.LeakCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@DisplayName("Q11: bounded queues and backpressure")
class BoundedQueuesTest {

    /** A job that holds its worker until {@code release} opens, counting {@code started} down first. */
    static Runnable blockUntil(CountDownLatch release, CountDownLatch started) {
        return () -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    static void shutdown(ThreadPoolExecutor pool, CountDownLatch release) throws InterruptedException {
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("newFixedThreadPool hides an unbounded queue: 100,000 jobs pile up behind one stuck worker")
    void fixedThreadPoolQueueIsUnbounded() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
        Runnable stuck = blockUntil(release, new CountDownLatch(1));
        try {
            for (int i = 0; i < 100_000; i++) {
                pool.execute(stuck);
            }
            assertThat(pool.getQueue()).hasSizeGreaterThanOrEqualTo(99_999);
            assertThat(pool.getQueue().remainingCapacity()).as("room left in the queue").isGreaterThan(2_000_000_000);
        } finally {
            pool.getQueue().clear();
            shutdown(pool, release);
        }
    }

    @Test
    @DisplayName("a bounded pool with AbortPolicy rejects the job after threads + capacity are taken")
    void abortPolicyRejects() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(2);
        ThreadPoolExecutor pool = BoundedQueues.rejectingPool("reject", 2, 3);
        try {
            for (int i = 0; i < 5; i++) {
                pool.execute(blockUntil(release, running));
            }
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.getQueue()).hasSize(3);
            assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        } finally {
            shutdown(pool, release);
        }
    }

    @Test
    @DisplayName("CallerRunsPolicy runs overflow in the submitting thread: the producer slows to the pool's pace")
    void callerRunsIsBackpressure() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        ThreadPoolExecutor pool = BoundedQueues.boundedPool("bp", 1, 1);
        List<String> ranOn = new ArrayList<>();
        try {
            pool.execute(blockUntil(release, running));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            pool.execute(() -> { });                                       // fills the one queue slot
            pool.execute(() -> ranOn.add(Thread.currentThread().getName())); // no room: runs right here
            assertThat(ranOn).containsExactly(Thread.currentThread().getName());
        } finally {
            shutdown(pool, release);
        }
    }

    @Test
    @DisplayName("a periodic task that throws once is silently cancelled: no more runs")
    void scheduledTaskDiesOnException() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> f = scheduler.scheduleWithFixedDelay(() -> {
                if (runs.incrementAndGet() == 3) {
                    throw new IllegalStateException("boom");
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(f.isDone()).isTrue();
            assertThat(runs).hasValue(3);
        } finally {
            scheduler.shutdownNow();
            assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
