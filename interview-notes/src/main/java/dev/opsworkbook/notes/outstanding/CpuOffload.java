package dev.opsworkbook.notes.outstanding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Q33: when virtual threads (or async) help and when they do not. Waiting scales with virtual threads; computing
 * does not, and CPU-bound work on virtual threads takes the carriers that every waiting request needs.
 */
public final class CpuOffload implements AutoCloseable {

    // @start region=offload
    /** CPU-bound work goes to a bounded platform pool sized to the cores; the I/O stays on virtual threads. */
    private final ExecutorService cpuPool =
            Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), Thread.ofPlatform()
                    .name("cpu-", 0).factory());

    /** Called from a request's virtual thread: it parks while the pool computes, so its carrier stays free. */
    <T> T compute(Callable<T> cpuBound) throws InterruptedException, ExecutionException {
        return cpuPool.submit(cpuBound).get();
    }

    @Override
    public void close() {
        cpuPool.close();
    }
    // @end region=offload

    // @start region=peak-running
    /** Runs {@code tasks} CPU-bound tasks on virtual threads and returns how many ever ran at the same time. */
    static int peakRunningCpuTasksOnVirtualThreads(int tasks, long iterations) throws InterruptedException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Future<Long>> results = new ArrayList<>();
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < tasks; i++) {
                results.add(vts.submit(() -> {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        return spin(iterations);           // never blocks, so it never unmounts
                    } finally {
                        running.decrementAndGet();
                    }
                }));
            }
        }
        results.forEach(Future::resultNow);
        return peak.get();
    }
    // @end region=peak-running

    /** Deterministic CPU work (an LCG), so the JIT cannot remove it. */
    static long spin(long iterations) {
        long x = 1;
        for (long i = 0; i < iterations; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }
}
