package dev.opsworkbook.notes.async;

import java.util.concurrent.locks.ReentrantLock;

/** Q27: shared state across virtual threads: the lost update, and the lock that prevents it. */
public final class SharedState {

    private SharedState() {
    }

    // @start region=counter
    /** A counter whose read and write are separated by a blocking call (in asyncio: an {@code await}). */
    static final class Counter {
        private final ReentrantLock lock = new ReentrantLock();
        private long value;

        /** Broken: every task may read the same value before any of them writes it back. */
        void incrementUnguarded(Runnable blockingCall) {
            long read = value;
            blockingCall.run();  // the thread parks here and others run: the read is stale when we write
            value = read + 1;
        }

        /** Fixed: the read-modify-write is one critical section, blocking call included. */
        void incrementGuarded(Runnable blockingCall) {
            lock.lock();         // a ReentrantLock, not synchronized: a virtual thread waiting here, or
            try {                // blocking inside, unmounts from its carrier on every JDK since 21
                long read = value;
                blockingCall.run();
                value = read + 1;
            } finally {
                lock.unlock();
            }
        }

        long value() {
            lock.lock();
            try {
                return value;
            } finally {
                lock.unlock();
            }
        }
    }
    // @end region=counter
}
