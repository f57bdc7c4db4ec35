package dev.opsworkbook.notes.concurrency;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongUnaryOperator;
import java.util.stream.LongStream;

/** Q2: Java has no global interpreter lock; the memory model says what other threads see, and when. */
public final class NoGil {

    private NoGil() {
    }

    /** A CPU-bound job: sum of f(i) for i in [from, to). */
    static long sum(long from, long to, LongUnaryOperator f) {
        long s = 0;
        for (long i = from; i < to; i++) {
            s += f.applyAsLong(i);
        }
        return s;
    }

    // @start region=parallel-cpu
    /** Splits a CPU-bound job over the common ForkJoinPool: on N cores up to N chunks run at the same time. */
    static long parallelSum(long n, LongUnaryOperator f) {
        return LongStream.range(0, n).parallel().map(f).sum();
    }
    // @end region=parallel-cpu

    /**
     * Two threads each enter a CPU-bound section and do real work until they see the other one inside
     * too (or give up). With a global lock around bytecode (a GIL), simulated here by {@code globalLock},
     * they can never both be inside. Returns the most threads seen inside at once.
     */
    @SuppressWarnings("NonAtomicVolatileUpdate") // sink only defeats dead-code elimination; lost updates are fine
    static int maxInsideAtOnce(boolean globalLock, long giveUpAfterNanos) throws InterruptedException {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Object gil = new Object();
        Runnable section = () -> {
            int now = inside.incrementAndGet();
            max.accumulateAndGet(now, Math::max);
            long deadline = System.nanoTime() + giveUpAfterNanos;
            while (max.get() < 2 && System.nanoTime() < deadline) {
                sink += sum(0, 1_000, i -> i * i); // CPU work, no blocking call, no yield
                max.accumulateAndGet(inside.get(), Math::max);
            }
            inside.decrementAndGet();
        };
        Runnable body = globalLock ? () -> {
            synchronized (gil) {
                section.run();
            }
        } : section;
        Thread a = Thread.ofPlatform().name("cpu-a").start(body);
        Thread b = Thread.ofPlatform().name("cpu-b").start(body);
        a.join();
        b.join();
        return max.get();
    }

    @SuppressWarnings("UnusedVariable") // written, never read: it keeps the JIT from dropping the work
    private static volatile long sink;

    // @start region=volatile-publish
    /** Safe publication: the write to `payload` happens-before the volatile write of `ready`. */
    static final class Mailbox {
        private long payload;            // plain field, published by the volatile write below
        private volatile boolean ready;  // without volatile the reader may spin forever (hoisted read)

        void publish(long value) {
            payload = value;
            ready = true;                // release
        }

        long awaitPayload() {
            while (!ready) {             // acquire: once true, payload is visible too
                Thread.onSpinWait();
            }
            return payload;
        }
    }
    // @end region=volatile-publish

    // @start region=long-adder
    /** A hot counter hit by many threads: LongAdder stripes the cells, so threads do not fight over one line. */
    static long countWithLongAdder(int threads, int incrementsEach) throws InterruptedException {
        LongAdder requests = new LongAdder();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < incrementsEach; i++) {
                    requests.increment();
                }
            });
        }
        for (Thread w : workers) {
            w.join();
        }
        return requests.sum(); // exact once the writers are done; a moving estimate while they run
    }
    // @end region=long-adder
}
