package dev.opsworkbook.notes.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opsworkbook.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(30)
@DisplayName("Q28: lost exceptions in fire-and-forget tasks")
class FireAndForgetTest {

    /** What reaches the threads' uncaught-exception handler: the place a failure is printed by default. */
    final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    final ThreadFactory reporting = Thread.ofVirtual().name("job-", 1)
            .uncaughtExceptionHandler((thread, e) -> uncaught.add(e)).factory();
    final CountDownLatch ran = new CountDownLatch(1);
    final Runnable failing = () -> {
        ran.countDown();
        throw new IllegalStateException("disk full");
    };

    @Test
    @DisplayName("submit() and forget: the task failed, and nothing saw it")
    void submitLosesTheException() throws Exception {
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(reporting)) {
            FireAndForget.submitAndForget(executor, failing);
        } // close() waits: the task has run and failed by now
        assertThat(ran.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(uncaught).as("failures that reached the uncaught-exception handler").isEmpty();
    }

    @Test
    @DisplayName("CompletableFuture.runAsync and forget: the same loss")
    void runAsyncLosesTheException() throws Exception {
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(reporting)) {
            CompletableFuture<Void> unused = CompletableFuture.runAsync(failing, executor);
        }
        assertThat(ran.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(uncaught).isEmpty();
    }

    @Test
    @DisplayName("execute(): the failure reaches the thread's uncaught-exception handler")
    void executeReachesTheHandler() {
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(reporting)) {
            executor.execute(failing);
        }
        // close() returns once the task has ended; the handler runs a moment later, as its thread exits.
        await().atMost(Duration.ofSeconds(10)).until(() -> !uncaught.isEmpty());
        assertThat(uncaught).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("launch(): the failure reaches the reporter exactly once, with its message")
    void launchReportsTheFailure() {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            FireAndForget.launch(executor, failing, reported::add);
            FireAndForget.launch(executor, () -> { }, reported::add);
        }
        assertThat(reported).singleElement().extracting(Throwable::getMessage).isEqualTo("disk full");
    }
}
