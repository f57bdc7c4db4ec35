package dev.opsworkbook.notes.outstanding;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Q31 and Q32: what a virtual thread is (a {@code Thread} that needs no OS thread while it waits) and how it
 * runs (mounted on a few carrier threads, unmounted at blocking points, never time-sliced).
 */
public final class VirtualThreadFacts {

    private VirtualThreadFacts() {
    }

    /** How many tasks were blocked at the same moment, and how many platform threads that took. */
    record Blocked(int blockedAtOnce, int platformThreadsAdded) {
    }

    // @start region=block-many
    /** Blocks {@code tasks} threads at once on a latch, and counts the platform (OS) threads that costs. */
    static Blocked blockAtOnce(ExecutorService executor, int tasks) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean(); // counts platform threads only
        int before = threads.getThreadCount();
        CountDownLatch allBlocked = new CountDownLatch(tasks);
        CountDownLatch release = new CountDownLatch(1);
        try (executor) {
            for (int i = 0; i < tasks; i++) {
                executor.execute(() -> {
                    allBlocked.countDown();
                    awaitQuietly(release);                      // a virtual thread parks here and frees its carrier
                });
            }
            if (!allBlocked.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (tasks - allBlocked.getCount()) + " tasks blocked at once");
            }
            int added = threads.getThreadCount() - before;
            release.countDown();
            return new Blocked(tasks, added);
        } // close() waits for every task
    }
    // @end region=block-many

    // @start region=carrier
    /** A mounted virtual thread prints as {@code VirtualThread[#42]/runnable@ForkJoinPool-1-worker-1}. */
    static String carrierName(Thread virtualThread) {
        String s = virtualThread.toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? "(not mounted)" : s.substring(at + 1);
    }

    /** The scheduler's parallelism: the number of carriers, by default one per available processor. */
    static int carriers() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    }
    // @end region=carrier

    // @start region=no-time-slicing
    /**
     * Occupies every carrier with a CPU-bound virtual thread, starts one more, and returns how many spinners
     * had finished when it ran. Without {@code Thread.yield()} at least one must have: no time-slicing.
     */
    static int spinnersFinishedWhenNewcomerRan(boolean spinnersYield, long spinMillis) throws InterruptedException {
        int carriers = carriers();
        CountDownLatch allSpinning = new CountDownLatch(carriers);
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger seenByNewcomer = new AtomicInteger(-1);
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < carriers; i++) {
                vts.execute(() -> {
                    allSpinning.countDown();
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spinMillis);
                    while (System.nanoTime() < end && seenByNewcomer.get() < 0) {
                        if (spinnersYield) {
                            Thread.yield();            // unmounts: the scheduler may run someone else
                        }
                    }
                    finished.incrementAndGet();
                });
            }
            allSpinning.await();
            vts.execute(() -> seenByNewcomer.set(finished.get()));
        }
        return seenByNewcomer.get();
    }
    // @end region=no-time-slicing

    // @start region=synchronized-block
    /**
     * Parks one virtual thread per carrier inside a {@code synchronized} block and reports whether another
     * virtual thread still gets to run. JDK 24+ (JEP 491) unmounts them; JDK 21-23 pinned the carriers.
     */
    static boolean othersRunWhileBlockedInSynchronized() throws InterruptedException {
        int carriers = carriers();
        CountDownLatch allInside = new CountDownLatch(carriers);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch newcomerRan = new CountDownLatch(1);
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < carriers; i++) {
                Object monitor = new Object();
                vts.execute(() -> {
                    synchronized (monitor) {
                        allInside.countDown();
                        awaitQuietly(release);
                    }
                });
            }
            allInside.await();
            vts.execute(newcomerRan::countDown);
            boolean ran = newcomerRan.await(10, TimeUnit.SECONDS);   // bounded: on JDK 21 this is where it hangs
            release.countDown();
            return ran;
        }
    }
    // @end region=synchronized-block

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
