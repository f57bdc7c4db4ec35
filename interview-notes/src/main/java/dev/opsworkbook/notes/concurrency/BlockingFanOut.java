package dev.opsworkbook.notes.concurrency;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/** Q1: which executor for which kind of work. Each method runs {@code tasks} and returns their results in order. */
public final class BlockingFanOut {

    private BlockingFanOut() {
    }

    // @start region=io-bound
    /** I/O-bound: one virtual thread per task; a blocked task parks and frees its carrier thread. */
    static <T> List<T> onVirtualThreads(List<Callable<T>> tasks) throws InterruptedException {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            return collect(executor.invokeAll(tasks));
        } // close() waits for every task: no thread outlives the block
    }
    // @end region=io-bound

    // @start region=cpu-bound
    /** CPU-bound: about one platform thread per core; more threads only add context switches. */
    static <T> List<T> onPlatformPool(List<Callable<T>> tasks, int threads) throws InterruptedException {
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            return collect(executor.invokeAll(tasks));
        }
    }

    static int cpuThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
    // @end region=cpu-bound

    // @start region=async
    /** Composing async results: a deadline on the whole chain, a fallback instead of an exception. */
    static CompletableFuture<String> lookupWithFallback(CompletableFuture<String> primary, Duration deadline) {
        return primary
                .thenApply(String::strip)
                .completeOnTimeout("unknown", deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> "unknown");
    }
    // @end region=async

    private static <T> List<T> collect(List<Future<T>> futures) {
        return futures.stream().map(f -> {
            try {
                return f.resultNow(); // invokeAll returned, so every future is done
            } catch (IllegalStateException e) {
                throw new IllegalStateException("task failed", f.exceptionNow());
            }
        }).toList();
    }

    /** Runs the comparison from the note: {@code 10,000} tasks that each block for 10 ms. */
    public static void main(String... args) throws InterruptedException, ExecutionException, TimeoutException {
        List<Callable<Integer>> tasks = IntStream.range(0, 10_000).<Callable<Integer>>mapToObj(i -> () -> {
            Thread.sleep(10);
            return i;
        }).toList();
        long t0 = System.nanoTime();
        onVirtualThreads(tasks);
        long t1 = System.nanoTime();
        onPlatformPool(tasks, 50);
        long t2 = System.nanoTime();
        System.out.printf("virtual threads: %d ms, 50 platform threads: %d ms%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }
}
