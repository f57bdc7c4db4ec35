package dev.opsworkbook.logfollower;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The bounded queue between the follower thread (the one producer) and its consumers.
 *
 * <p>Why not an {@code ArrayBlockingQueue}: its {@code put} takes the lock, and often wakes the consumer,
 * once per line. At millions of lines a second that hand-off costs twice as much as reading and splitting
 * the file, and Commons IO Tailer, which calls its listener on its own thread, wins. Here the producer
 * gathers the lines of one read in a batch and hands the batch over under one lock. The bound still
 * counts every line: a line is added to the batch only while the queue plus the batch hold fewer than
 * {@code capacity} lines, so at most {@code capacity} lines are held, not yet taken, at any time.
 */
final class LineQueue {

    // One 64 KiB read holds a few hundred log lines; a bigger batch would only delay the first of them.
    private static final int MAX_BATCH = 512;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final String[] ring; // guarded by lock
    private int head; // guarded by lock
    private int count; // guarded by lock

    // The producer's side, touched by the follower thread only.
    private final String[] batch;
    private int batchSize;
    // How many lines the batch may hold before the next handOver(): the free slots seen at the last one.
    // Consumers only free slots meanwhile, so the figure can only be too low, never too high.
    private int allowance;
    private volatile long handedOver;

    LineQueue(int capacity) {
        ring = new String[capacity];
        batch = new String[Math.min(capacity, MAX_BATCH)];
    }

    /** Producer: adds a line, handing the batch over first (and waiting for room) if it may take no more. */
    void add(String line) throws InterruptedException {
        if (batchSize == allowance) {
            handOver();
        }
        batch[batchSize++] = line;
    }

    /** Producer: makes every line added so far visible to consumers; waits while the queue is full. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // handedOver: written under the lock, read without it by stats()
    void handOver() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            int tail = (head + count) % ring.length;
            for (int i = 0; i < batchSize; i++) {
                ring[tail] = batch[i];
                batch[i] = null;
                tail = tail + 1 == ring.length ? 0 : tail + 1;
            }
            if (batchSize > 0) {
                count += batchSize;
                handedOver += batchSize;
                batchSize = 0;
                notEmpty.signalAll(); // one batch may be enough for every waiting consumer
            }
            while (count == ring.length) {
                notFull.await();
            }
            allowance = Math.min(batch.length, ring.length - count);
        } finally {
            lock.unlock();
        }
    }

    /** Consumer: the oldest line handed over, waiting up to {@code nanos} for one; null if none came. */
    @Nullable String poll(long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            String line = ring[head];
            ring[head] = null;
            head = head + 1 == ring.length ? 0 : head + 1;
            if (count-- == ring.length) {
                notFull.signal(); // the producer waits only on a full queue
            }
            return line;
        } finally {
            lock.unlock();
        }
    }

    /** Lines handed over and not yet taken. */
    int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Lines handed over since the start. */
    long handedOver() {
        return handedOver;
    }
}
