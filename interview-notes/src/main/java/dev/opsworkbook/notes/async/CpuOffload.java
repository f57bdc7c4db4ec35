package dev.opsworkbook.notes.async;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Q30: CPU-bound work inside an I/O service, and the bounded platform pool that takes it off the carriers. */
public final class CpuOffload {

    private CpuOffload() {
    }

    // @start region=offload
    /** CPU-bound work gets its own platform threads: about one per core, a short queue, a fast "no" when full. */
    static ThreadPoolExecutor cpuPool(int threads, int queueCapacity) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity),
                Thread.ofPlatform().name("cpu-", 1).factory(),
                new ThreadPoolExecutor.AbortPolicy()); // RejectedExecutionException: answer 503, do not queue
    }

    /**
     * Called on a request's virtual thread: the thread parks while a pool thread computes, so its carrier
     * is free for the other requests. The OS time-slices platform threads; nothing time-slices carriers.
     */
    static <T> T offload(ExecutorService cpuPool, Callable<T> work) throws InterruptedException, ExecutionException {
        return cpuPool.submit(work).get();
    }
    // @end region=offload

    /** The virtual-thread scheduler's parallelism: how many carriers run virtual threads at once. */
    static int carriers() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
    }
}
