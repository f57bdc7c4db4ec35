package dev.opsworkbook.notes.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q43 recipe: a worker with a bounded queue and a graceful shutdown")
class WorkerTest {

    @Test
    @DisplayName("100 accepted items are all handled by shutdown, even one that throws; later offers are refused")
    void drainsEverythingAccepted() throws Exception {
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        Worker<Integer> worker = new Worker<>("w", 4, 200, i -> {
            if (i == 13) {
                throw new IllegalStateException("bad item");
            }
            handled.add(i);
        });
        assertThat(IntStream.range(0, 100).allMatch(worker::offer)).isTrue();
        assertThat(worker.shutdown(Duration.ofSeconds(20))).isEmpty();
        assertThat(handled).hasSize(99).doesNotContain(13);
        assertThat(worker.failed()).isEqualTo(1);
        assertThat(worker.offer(100)).as("offer after shutdown").isFalse();
    }

    @Test
    @DisplayName("with 2 busy workers and room for 10, the 13th offer is refused (back-pressure)")
    void boundedQueuePushesBack() throws Exception {
        CountDownLatch busy = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Worker<Integer> worker = new Worker<>("w", 2, 10, i -> {
            busy.countDown();
            awaitUninterruptibly(release);
        });
        assertThat(worker.offer(0)).isTrue();
        assertThat(worker.offer(1)).isTrue();
        assertThat(busy.await(20, TimeUnit.SECONDS)).as("both workers took an item").isTrue();
        assertThat(IntStream.range(2, 12).allMatch(worker::offer)).as("10 more fit in the queue").isTrue();
        assertThat(worker.offer(12)).as("the 13th item").isFalse();
        release.countDown();
        assertThat(worker.shutdown(Duration.ofSeconds(20))).isEmpty();
    }

    @Test
    @DisplayName("a stuck item is interrupted at the deadline, and the items never started are handed back")
    void deadlineInterruptsAndReturnsTheRest() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Worker<Integer> worker = new Worker<>("w", 1, 10, i -> {
            started.countDown();
            try {
                never.await();                              // stuck until interrupted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(IntStream.range(0, 6).allMatch(worker::offer)).isTrue();
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        List<Integer> notStarted = worker.shutdown(Duration.ofMillis(200));
        assertThat(notStarted).containsExactly(1, 2, 3, 4, 5);
    }

    static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
