package dev.opsworkbook.notes.recipes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Q43: a worker with graceful shutdown: a bounded queue, N worker threads, and a shutdown that stops intake,
 * lets the workers finish what was accepted within a deadline, then interrupts them and hands back what is left.
 * Nothing accepted is silently lost.
 */
final class Worker<T> {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Object STOP = new Object();       // one per worker, queued behind the real work

    private final BlockingQueue<Object> queue;
    private final List<Thread> threads = new ArrayList<>();
    private final Consumer<T> handler;
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean accepting = true;

    // @start region=worker
    Worker(String name, int workers, int capacity, Consumer<T> handler) {
        this.queue = new ArrayBlockingQueue<>(capacity);     // bounded: a full queue pushes back on producers
        this.handler = handler;
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofPlatform().name(name + "-", i).start(this::loop));
        }
    }

    /** false when the queue is full or shutting down: the caller answers 429/503 instead of queueing forever. */
    boolean offer(T item) {
        return accepting && queue.offer(item);
    }

    @SuppressWarnings("unchecked")
    private void loop() {
        try {
            for (Object item = queue.take(); item != STOP; item = queue.take()) {
                try {
                    handler.accept((T) item);
                } catch (RuntimeException e) {             // one bad item must not kill the worker
                    failed.incrementAndGet();
                    log.warn("item failed", e);
                }
                if (Thread.interrupted()) {                // the handler saw the deadline pass: stop here
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();            // interrupted while waiting: the thread ends
        }
    }

    /** Stops intake, drains within {@code deadline}, then interrupts; returns the items never started. */
    List<T> shutdown(Duration deadline) throws InterruptedException {
        accepting = false;
        long end = System.nanoTime() + deadline.toNanos();
        for (int i = 0; i < threads.size(); i++) {
            if (!queue.offer(STOP, Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;                                     // still full at the deadline: interrupt below
            }
        }
        for (Thread t : threads) {
            t.join(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
        }
        threads.forEach(Thread::interrupt);                // the deadline passed: stop whatever still runs
        for (Thread t : threads) {
            t.join();
        }
        List<Object> rest = new ArrayList<>();
        queue.drainTo(rest);
        @SuppressWarnings("unchecked")
        List<T> notStarted = rest.stream().filter(o -> o != STOP).map(o -> (T) o).toList();
        return notStarted;                                 // log, re-queue durably, or NACK them: never drop
    }
    // @end region=worker

    long failed() {
        return failed.get();
    }
}
