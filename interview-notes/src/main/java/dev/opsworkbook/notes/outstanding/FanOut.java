package dev.opsworkbook.notes.outstanding;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Q34: {@code CompletableFuture.allOf} vs separate futures vs {@code invokeAll}: who waits for whom, what a failure
 * does to the siblings, and what {@code cancel} really stops.
 */
public final class FanOut {

    private FanOut() {
    }

    // @start region=all-of
    /** allOf: one future for "all done". It fails only after every input is done, and it cancels nothing. */
    static <T> CompletableFuture<List<T>> allOf(List<CompletableFuture<T>> parts) {
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> parts.stream().map(CompletableFuture::join).toList());
    }

    /** Fail fast: complete exceptionally on the first failure, and cancel the rest (which does not interrupt them). */
    static <T> CompletableFuture<List<T>> allOrFirstFailure(List<CompletableFuture<T>> parts) {
        CompletableFuture<List<T>> result = new CompletableFuture<>();
        AtomicBoolean failed = new AtomicBoolean();
        for (CompletableFuture<T> part : parts) {
            // the stage whenComplete returns is not needed (Error Prone wants a dropped future named, so it is)
            var unused = part.whenComplete((value, error) -> {
                if (error != null && failed.compareAndSet(false, true)) {
                    // Cancel first, then fail: whoever wakes up on the result finds the rest cancelled already.
                    parts.forEach(p -> p.cancel(true));   // marks them cancelled; the running code keeps running
                    result.completeExceptionally(error);
                }
            });
        }
        var unusedAllDone = allOf(parts).thenAccept(result::complete); // all succeeded: the list
        return result;
    }
    // @end region=all-of

    // @start region=invoke-all
    /** invokeAll with a deadline: tasks still running when it passes are cancelled, with an interrupt. */
    static <T> List<Future<T>> invokeAll(ExecutorService executor, List<Callable<T>> tasks, Duration deadline)
            throws InterruptedException {
        return executor.invokeAll(tasks, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
    // @end region=invoke-all
}
