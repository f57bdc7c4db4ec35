package dev.opsworkbook.notes.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(30)
@DisplayName("Q27: shared state across virtual threads")
class SharedStateTest {

    static final int TASKS = 100;

    @Test
    @DisplayName("100 increments that block between read and write, unguarded: every task reads 0, the result is 1")
    void unguardedIncrementsLoseUpdates() {
        SharedState.Counter counter = new SharedState.Counter();
        // The blocking call is a barrier: nobody writes until all 100 have read, the worst interleaving, every time.
        CyclicBarrier allHaveRead = new CyclicBarrier(TASKS);
        Runnable blockingCall = () -> {
            try {
                allHaveRead.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
        };
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TASKS; i++) {
                executor.execute(() -> counter.incrementUnguarded(blockingCall));
            }
        }
        assertThat(counter.value()).as("value after %d unguarded increments", TASKS).isEqualTo(1);
    }

    @Test
    @DisplayName("the same 100 increments under a ReentrantLock held across the blocking call: the result is 100")
    void guardedIncrementsAreExact() {
        SharedState.Counter counter = new SharedState.Counter();
        Runnable blockingCall = () -> {
            try {
                Thread.sleep(Duration.ofMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TASKS; i++) {
                executor.execute(() -> counter.incrementGuarded(blockingCall));
            }
        }
        assertThat(counter.value()).isEqualTo(TASKS);
    }
}
