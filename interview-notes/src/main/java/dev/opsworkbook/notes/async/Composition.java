package dev.opsworkbook.notes.async;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** Q22: a fan-out composed with CompletableFuture, and the same fan-out as a structured, fail-fast scope. */
public final class Composition {

    private Composition() {
    }

    // @start region=all-of
    /** Fan-out with CompletableFuture: allOf completes only when every task has, even after one failed. */
    static <T> CompletableFuture<List<T>> allOf(List<Supplier<T>> tasks, Executor executor) {
        List<CompletableFuture<T>> futures = tasks.stream()
                .map(task -> CompletableFuture.supplyAsync(task, executor))
                .toList();
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(allDone -> futures.stream().map(CompletableFuture::join).toList());
    }
    // @end region=all-of

    // @start region=fail-fast
    /**
     * Structured fan-out: each task runs on its own virtual thread inside this call. The first failure
     * interrupts the others, and the call returns only after every task has ended, so nothing outlives it
     * (the contract of StructuredTaskScope, a preview API in JDK 21-25, built from stable parts).
     */
    static <T> List<T> invokeAllOrFail(List<Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try (ExecutorService scope = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletionService<T> completion = new ExecutorCompletionService<>(scope);
            List<Future<T>> futures = tasks.stream().map(completion::submit).toList();
            try {
                for (int i = 0; i < futures.size(); i++) {
                    completion.take().get(); // completion order: the first failure surfaces first and throws
                }
            } finally {
                futures.forEach(f -> f.cancel(true)); // interrupts the tasks still running; no-op for the rest
            }
            return futures.stream().map(Future::resultNow).toList();
        } // close() waits for every task, the cancelled ones too (and if interrupted, interrupts them)
    }
    // @end region=fail-fast
}
