package dev.opsworkbook.notes.concurrency;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Q11: background work with a bounded queue, so overload turns into backpressure instead of an OOM. */
public final class BoundedQueues {

    private BoundedQueues() {
    }

    // @start region=bounded-pool
    /**
     * {@code threads} workers, at most {@code queueCapacity} waiting jobs; when both are full the
     * submitting thread runs the job itself, which slows the producer down (backpressure).
     */
    static ThreadPoolExecutor boundedPool(String name, int threads, int queueCapacity) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory named = r -> Thread.ofPlatform().name(name + "-" + n.incrementAndGet()).unstarted(r);
        return new ThreadPoolExecutor(
                threads, threads,                           // fixed size
                0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity),    // bounded: memory use has a ceiling
                named,                                      // names show up in thread dumps
                new ThreadPoolExecutor.CallerRunsPolicy()); // or AbortPolicy: fail fast, return 429/503
    }
    // @end region=bounded-pool

    /** The same pool, rejecting instead of running overflow in the caller. */
    static ThreadPoolExecutor rejectingPool(String name, int threads, int queueCapacity) {
        ThreadPoolExecutor pool = boundedPool(name, threads, queueCapacity);
        pool.setRejectedExecutionHandler(new ThreadPoolExecutor.AbortPolicy());
        return pool;
    }
}
