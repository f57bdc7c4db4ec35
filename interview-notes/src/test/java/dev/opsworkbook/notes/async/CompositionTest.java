package dev.opsworkbook.notes.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsworkbook.testing.LeakCheck;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(30)
@DisplayName("Q22: CompletableFuture composition vs a structured scope")
class CompositionTest {

    /** Tasks that signal they started, then wait for {@code release} (or 20 s), recording interrupts and ends. */
    static final class Siblings {
        final CountDownLatch started;
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger interrupted = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();

        Siblings(int count) {
            started = new CountDownLatch(count);
        }

        Callable<String> task() {
            return () -> {
                started.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                    return "slow";
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                } finally {
                    ended.incrementAndGet();
                }
            };
        }

        /** The same task for CompletableFuture, which takes a Supplier. */
        Supplier<String> supplier() {
            Callable<String> task = task();
            return () -> {
                try {
                    return task.call();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            };
        }

        void awaitStarted() throws InterruptedException {
            assertThat(started.await(10, TimeUnit.SECONDS)).as("tasks started within 10 s").isTrue();
        }
    }

    @Nested
    @DisplayName("CompletableFuture.allOf")
    class AllOf {

        @Test
        @DisplayName("is not done while a sibling still runs, although another task has already failed")
        void waitsForEveryTaskAfterAFailure() throws Exception {
            Siblings sibling = new Siblings(1);
            CountDownLatch failed = new CountDownLatch(1);
            Supplier<String> failing = () -> {
                failed.countDown();
                throw new IllegalStateException("backend down");
            };
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                CompletableFuture<List<String>> all = Composition.allOf(List.of(failing, sibling.supplier()), executor);
                assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
                sibling.awaitStarted();

                assertThat(all).as("allOf after one task failed, with a sibling still running").isNotDone();
                sibling.release.countDown();
                assertThatThrownBy(all::join).isInstanceOf(CompletionException.class)
                        .hasRootCauseMessage("backend down");
            }
            assertThat(sibling.interrupted.get()).as("siblings interrupted by allOf").isZero();
            assertThat(sibling.ended.get()).isEqualTo(1);
        }

        @Test
        @DisplayName("cancel(true) on a CompletableFuture does not interrupt the task that computes it")
        void cancelDoesNotInterrupt() throws Exception {
            Siblings task = new Siblings(1);
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                CompletableFuture<String> future = CompletableFuture.supplyAsync(task.supplier(), executor);
                task.awaitStarted();
                assertThat(future.cancel(true)).isTrue();
                assertThat(future).isCancelled();
                assertThat(task.ended.get()).as("tasks ended right after cancel(true)").isZero();
                task.release.countDown(); // the task only stops because we let it
            }
            assertThat(task.interrupted.get()).as("tasks interrupted by cancel(true)").isZero();
            assertThat(task.ended.get()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("the structured scope (invokeAllOrFail)")
    class Structured {

        @Test
        @DisplayName("returns every result in task order when all succeed")
        void resultsInOrder() throws Exception {
            List<Callable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> 3);
            assertThat(Composition.invokeAllOrFail(tasks)).containsExactly(1, 2, 3);
        }

        @Test
        @DisplayName("on the first failure interrupts the siblings, rethrows the cause, and returns after all ended")
        void firstFailureCancelsSiblings() throws Exception {
            Siblings siblings = new Siblings(2); // never released
            Callable<String> failing = () -> {
                siblings.awaitStarted(); // fail only once both siblings run
                throw new IllegalStateException("backend down");
            };
            List<Callable<String>> tasks = List.of(siblings.task(), failing, siblings.task());

            assertThatThrownBy(() -> Composition.invokeAllOrFail(tasks))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("backend down");
            assertThat(siblings.interrupted.get()).as("siblings interrupted").isEqualTo(2);
            assertThat(siblings.ended.get()).as("siblings that had ended when the call returned").isEqualTo(2);
        }

        @Test
        @DisplayName("when the caller is interrupted, every task is interrupted and has ended before the call throws")
        void cancellingTheCallerCancelsTheChildren() throws Exception {
            Siblings children = new Siblings(3); // never released
            List<Callable<String>> tasks = List.of(children.task(), children.task(), children.task());
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicInteger endedAtReturn = new AtomicInteger(-1);
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    Composition.invokeAllOrFail(tasks);
                } catch (InterruptedException | ExecutionException | RuntimeException e) {
                    endedAtReturn.set(children.ended.get());
                    thrown.set(e);
                }
            });
            children.awaitStarted();
            caller.interrupt();
            caller.join();

            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            assertThat(children.interrupted.get()).as("children interrupted").isEqualTo(3);
            assertThat(endedAtReturn.get()).as("children that had ended when the call threw").isEqualTo(3);
        }
    }
}
