package dev.opsworkbook.notes.outstanding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsworkbook.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q34: allOf vs fail-fast vs invokeAll")
class FanOutTest {

    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean slowWasInterrupted = new AtomicBoolean();
    final AtomicBoolean slowFinished = new AtomicBoolean();

    String slow() {
        try {
            release.await(30, TimeUnit.SECONDS);
            slowFinished.set(true);
            return "slow";
        } catch (InterruptedException e) {
            slowWasInterrupted.set(true);
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static String fail() {
        throw new IllegalStateException("backend down");
    }

    @Test
    @DisplayName("allOf is not done while a sibling still runs, although another part has already failed")
    void allOfWaitsForEveryPart() throws Exception {
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<String> failing = CompletableFuture.supplyAsync(FanOutTest::fail, vts);
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(this::slow, vts);
            CompletableFuture<List<String>> all = FanOut.allOf(List.of(failing, slow));
            assertThatThrownBy(failing::join).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(all).as("allOf after one part failed, the other still running").isNotDone();
            release.countDown();
            assertThatThrownBy(all::join).isInstanceOf(CompletionException.class)
                    .hasRootCauseMessage("backend down");
            assertThat(slow.join()).isEqualTo("slow");
        }
    }

    @Test
    @DisplayName("fail-fast completes on the first failure, but cancel(true) does not interrupt the running sibling")
    void cancelDoesNotInterrupt() throws Exception {
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(this::slow, vts);
            CompletableFuture<String> failing = CompletableFuture.supplyAsync(FanOutTest::fail, vts);
            CompletableFuture<List<String>> all = FanOut.allOrFirstFailure(List.of(slow, failing));
            assertThatThrownBy(all::join).hasRootCauseMessage("backend down");
            assertThat(slow).isCancelled();
            assertThatThrownBy(slow::join).isInstanceOf(CancellationException.class);
            release.countDown();
        } // close() waits: the "cancelled" task ran on to the end
        assertThat(slowFinished).as("the cancelled task's code still ran to completion").isTrue();
        assertThat(slowWasInterrupted).isFalse();
    }

    @Test
    @DisplayName("invokeAll with a deadline returns every future in order and interrupts the task that overran")
    void invokeAllInterruptsOnDeadline() throws Exception {
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Callable<String>> tasks = List.of(() -> "fast", this::slow, FanOutTest::fail);
            List<Future<String>> done = FanOut.invokeAll(vts, tasks, Duration.ofMillis(300));
            assertThat(done).extracting(Future::state)
                    .containsExactly(Future.State.SUCCESS, Future.State.CANCELLED, Future.State.FAILED);
            assertThat(done.get(0).resultNow()).isEqualTo("fast");
        }
        assertThat(slowWasInterrupted).as("the overrunning task was interrupted").isTrue();
        assertThat(slowFinished).isFalse();
    }
}
