package dev.opsworkbook.workerpool;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of small tasks: one producer pushes {@value #BATCH} tasks of about a microsecond through the
 * pool and waits until all are done. Measured as time per task (lower is better).
 *
 * <ul>
 *   <li>{@code smallTasks}: 2 workers, a queue of 256: the producer rarely waits.</li>
 *   <li>{@code smallTasksTinyQueue}: 2 workers, a queue of 2: the producer waits for room all the time, so
 *       every task costs a hand-off between threads (back-pressure at its most expensive).</li>
 * </ul>
 *
 * <p>The baseline is what the JDK offers for the same job: a {@link ThreadPoolExecutor} with the same number
 * of threads and an {@link ArrayBlockingQueue} of the same capacity. Its default {@code AbortPolicy} would
 * throw {@link RejectedExecutionException} at the producer, so it gets the usual workaround, a rejection
 * handler that {@code put}s the task into the queue (blocking); completion is counted with a latch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WorkerPoolBenchmark {
    static final int BATCH = 10_000;
    static final int WORKERS = 2;
    /** Blackhole tokens per task: about a microsecond of work. */
    static final int WORK = 200;

    /** A started WorkerPool with a queue of 256 (its own state: a skeleton's failure spares the baseline). */
    @State(Scope.Benchmark)
    public static class PoolState {
        WorkerPool<Integer> pool;

        int capacity() {
            return 256;
        }

        @Setup(Level.Trial)
        public void setUp() {
            silenceLogging();
            pool = WorkerPool.<Integer>builder(item -> Blackhole.consumeCPU(WORK))
                    .workers(WORKERS).queueCapacity(capacity()).name("bench").start();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (pool != null) {
                pool.shutdown(Duration.ofSeconds(5));
            }
        }
    }

    /** The same with a queue of 2. */
    @State(Scope.Benchmark)
    public static class TinyQueuePoolState extends PoolState {
        @Override
        int capacity() {
            return 2;
        }
    }

    /** The baseline: a ThreadPoolExecutor with as many threads and an ArrayBlockingQueue of 256. */
    @State(Scope.Benchmark)
    public static class ExecutorState {
        ThreadPoolExecutor executor;
        volatile CountDownLatch done;
        Runnable task;

        int capacity() {
            return 256;
        }

        @Setup(Level.Trial)
        public void setUp() {
            RejectedExecutionHandler blockingPut = (r, ex) -> {
                try {
                    ex.getQueue().put(r); // the usual workaround; unsafe once the executor shuts down
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RejectedExecutionException(e);
                }
            };
            executor = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(capacity()), blockingPut);
            executor.prestartAllCoreThreads();
            task = () -> {
                Blackhole.consumeCPU(WORK);
                done.countDown();
            };
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            executor.shutdown();
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the executor did not terminate within 5 s");
            }
        }
    }

    /** The same with a queue of 2. */
    @State(Scope.Benchmark)
    public static class TinyQueueExecutorState extends ExecutorState {
        @Override
        int capacity() {
            return 2;
        }
    }

    private static final Integer ITEM = 42;

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void smallTasks_workerPool(PoolState p) throws InterruptedException {
        runPool(p);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void smallTasks_baselineThreadPoolExecutor(ExecutorState e) throws InterruptedException {
        runExecutor(e);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void smallTasksTinyQueue_workerPool(TinyQueuePoolState p) throws InterruptedException {
        runPool(p);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void smallTasksTinyQueue_baselineThreadPoolExecutor(TinyQueueExecutorState e) throws InterruptedException {
        runExecutor(e);
    }

    private static void runPool(PoolState p) throws InterruptedException {
        for (int i = 0; i < BATCH; i++) {
            p.pool.submit(ITEM);
        }
        p.pool.awaitIdle();
    }

    private static void runExecutor(ExecutorState e) throws InterruptedException {
        e.done = new CountDownLatch(BATCH);
        for (int i = 0; i < BATCH; i++) {
            e.executor.execute(e.task);
        }
        e.done.await();
    }

    /** The pool logs one INFO line per shutdown: measured, but written nowhere. */
    static void silenceLogging() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAndStopAllAppenders();
            root.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }
}
