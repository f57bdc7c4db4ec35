package dev.opsworkbook.workerpool;

import java.time.Duration;

/**
 * A producer hands items to a fixed number of workers through a bounded queue; shutdown drains what it
 * can before a deadline and accounts for every item it could not finish.
 *
 * <pre>{@code
 * WorkerPool<Path> pool = WorkerPool.builder(compressor).workers(4).queueCapacity(64).name("compress").start();
 * for (Path file : files) {
 *     pool.submit(file);                   // blocks while 64 items wait: back-pressure, never a rejection
 * }
 * ShutdownReport<Path> report = pool.shutdown(Duration.ofSeconds(30));
 * retryLater(report.unstarted());          // nothing is lost
 * }</pre>
 *
 * <p>The contract:
 * <ul>
 *   <li>Every accepted item is processed at most once, and exactly once unless shutdown's deadline stops
 *       it; at most {@code workers} items are processed at the same time, and exactly that many when that
 *       many are available.</li>
 *   <li>The queue holds at most {@code queueCapacity} items; {@link #submit} then blocks and
 *       {@link #offer} waits at most its timeout. Neither ever rejects an item of a running pool.</li>
 *   <li>A handler that throws does not stop its worker: the item is counted as failed and logged (WARN,
 *       on this class's logger, with the item and the exception).</li>
 *   <li>{@link #shutdown(Duration)} is graceful with a deadline, see there.</li>
 * </ul>
 *
 * <p>Thread-safe: any number of producers may submit at once.
 *
 * @param <T> the type of the items; their {@code toString} appears in logs
 */
public final class WorkerPool<T> {

    private WorkerPool() {
    }

    /** Starts describing a pool whose workers call {@code handler} for every item. */
    public static <T> Builder<T> builder(ItemHandler<? super T> handler) {
        return new Builder<>(handler);
    }

    /** The settings of a pool; {@link #start()} checks them and starts it. */
    public static final class Builder<T> {
        private final ItemHandler<? super T> handler;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int queueCapacity = 1024;
        private String name = "worker-pool";
        private Backend backend = Backend.PLATFORM_THREADS;

        private Builder(ItemHandler<? super T> handler) {
            this.handler = handler;
        }

        /** How many items are processed at the same time (default: the number of processors). */
        public Builder<T> workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** How many items may wait in the queue (default 1024). */
        public Builder<T> queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** The prefix of the pool's thread names and of its log messages (default {@code worker-pool}). */
        public Builder<T> name(String name) {
            this.name = name;
            return this;
        }

        /** What runs the items (default {@link Backend#PLATFORM_THREADS}). */
        public Builder<T> backend(Backend backend) {
            this.backend = backend;
            return this;
        }

        /**
         * Checks the settings and starts the pool: platform workers named {@code <name>-worker-<i>} (daemon
         * threads), or a virtual dispatcher thread for {@link Backend#VIRTUAL_THREADS}.
         *
         * @throws NullPointerException     if the handler, the name or the backend is null (the message names it)
         * @throws IllegalArgumentException if {@code workers} or {@code queueCapacity} is zero or negative (the
         *                                  message names the setting and its value)
         */
        public WorkerPool<T> start() {
            throw new UnsupportedOperationException("TODO: check the settings and start the workers (task 1;"
                    + " task 5 for the virtual-thread backend)");
        }
    }

    /**
     * Queues {@code item}, waiting while the queue is full.
     *
     * @throws NullPointerException  if {@code item} is null
     * @throws IllegalStateException if shutdown has started, also when it starts while this call waits
     * @throws InterruptedException  if the calling thread is interrupted while waiting; the item is not queued
     */
    public void submit(T item) throws InterruptedException {
        throw new UnsupportedOperationException("TODO: queue the item, waiting while the queue is full (task 2)");
    }

    /**
     * Queues {@code item}, waiting at most {@code timeout} for room (zero or negative: not at all).
     *
     * @return {@code true} if the item was queued, {@code false} if the queue stayed full for {@code timeout}
     * @throws NullPointerException  if {@code item} or {@code timeout} is null
     * @throws IllegalStateException if shutdown has started, also when it starts while this call waits
     * @throws InterruptedException  if the calling thread is interrupted while waiting; the item is not queued
     */
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO: queue the item, waiting at most the timeout (task 2)");
    }

    /**
     * Waits until every item submitted so far has finished: the queue is empty and no item is running.
     * Returns at once on an idle pool, and once shutdown has returned its report (even while abandoned items
     * still run).
     */
    public void awaitIdle() throws InterruptedException {
        throw new UnsupportedOperationException("TODO: wait until nothing is queued or running (task 1)");
    }

    /**
     * Like {@link #awaitIdle()}, waiting at most {@code timeout}.
     *
     * @return {@code true} if the pool is idle, {@code false} if {@code timeout} passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO: wait until idle, at most the timeout (task 1)");
    }

    /** The pool's counters, read together. */
    public PoolStats stats() {
        throw new UnsupportedOperationException("TODO: read the counters together (task 1)");
    }

    /**
     * Shuts the pool down within {@code deadline}, losing nothing.
     *
     * <ol>
     *   <li>From now on {@code submit} and {@code offer} throw {@link IllegalStateException}, including the
     *       producers already waiting for room.</li>
     *   <li>The workers keep processing the queue and their items until everything is done or the deadline
     *       passes; an idle pool returns at once.</li>
     *   <li>At the deadline, the items still queued are taken out, unstarted, and the items still running are
     *       interrupted.</li>
     *   <li>After a short grace, items still running (handlers that ignore interrupts) are abandoned: their
     *       threads keep running, the pool does not wait for them. This method returns within
     *       {@code deadline} + 100 ms, whatever the handlers do.</li>
     *   <li>Every pool thread except those of abandoned items has ended when it returns.</li>
     * </ol>
     *
     * <p>If the calling thread is interrupted while waiting, the deadline is brought forward to now (the
     * remaining steps run at once) and the thread's interrupt status is set again on return. A second call
     * returns the first call's report (one made while the first is still running waits for it).
     *
     * @return the report accounting for every item ever accepted
     * @throws NullPointerException     if {@code deadline} is null
     * @throws IllegalArgumentException if {@code deadline} is zero or negative; the pool is left running
     */
    public ShutdownReport<T> shutdown(Duration deadline) {
        throw new UnsupportedOperationException("TODO: drain, interrupt at the deadline, abandon, report (task 3)");
    }
}
