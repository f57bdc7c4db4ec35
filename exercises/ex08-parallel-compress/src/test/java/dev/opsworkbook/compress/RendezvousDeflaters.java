package dev.opsworkbook.compress;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link CountingDeflaters} whose Deflaters meet inside {@code deflate}: the first {@code wanted} calls of
 * {@code deflate} wait until {@code wanted} threads are inside {@code deflate} at once, at most until 10 s after the
 * first call; later calls do not wait. So a compressor that deflates one block at a time waits 10 s once and shows
 * {@link #peakInside} 1, while one that deflates {@code wanted} blocks at once meets at once. Records the names of
 * the threads that called {@code deflate}.
 */
final class RendezvousDeflaters extends CountingDeflaters {
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger peakInside = new AtomicInteger();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final int wanted;
    private int arrived; // guarded by this
    private long deadline; // guarded by this

    RendezvousDeflaters(int wanted) {
        this.wanted = wanted;
    }

    @Override
    void entering() {
        threads.add(Thread.currentThread().getName());
        peakInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
        synchronized (this) {
            notifyAll(); // one more inside
            if (++arrived > wanted) {
                return;
            }
            if (arrived == 1) {
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
            try {
                while (peakInside.get() < wanted) { // the peak, not `inside`: once met, later leavers free no one
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return; // too few at once: peakInside tells the test
                    }
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    void leaving() {
        inside.decrementAndGet();
    }
}
