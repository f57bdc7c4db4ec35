package dev.opsworkbook.workerpool;

/** What runs the items of a {@link WorkerPool}. */
public enum Backend {

    /** {@code workers} platform threads, started with the pool, each taking one item at a time. */
    PLATFORM_THREADS,

    /**
     * One virtual thread per item, at most {@code workers} of them at a time (a semaphore bounds them:
     * virtual threads are cheap, what they call usually is not).
     */
    VIRTUAL_THREADS
}
