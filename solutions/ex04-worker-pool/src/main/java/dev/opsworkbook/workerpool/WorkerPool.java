package dev.opsworkbook.workerpool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

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

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    /**
     * How long interrupted items get to finish before they are abandoned: half of the 100 ms that shutdown
     * may take beyond its deadline, the other half is for the scheduler.
     */
    private static final long INTERRUPT_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * A shutdown returns within deadline + 100 ms; joining the threads that have finished their work must fit
     * in it too: they get until the later of the deadline and the end of the grace, plus this.
     */
    private static final long JOIN_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(40);

    private enum State { RUNNING, DRAINING, STOPPING, TERMINATED }

    /** One item in flight on one thread. Platform workers reuse theirs; the virtual backend makes one per item. */
    private static final class Runner<T> {
        @Nullable Thread thread; // set once the runner's thread started
        @Nullable T item; // null between items
        boolean interruptedByPool;
        boolean abandoned;
    }

    private final String name;
    private final ItemHandler<? super T> handler;
    private final int workers;
    private final int capacity;
    private final Backend backend;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Condition idle = lock.newCondition();
    /** Signalled when a runner finishes or a thread exits while the pool shuts down. */
    private final Condition progress = lock.newCondition();
    private final Condition terminated = lock.newCondition();

    // Guarded by lock.
    private final ArrayDeque<T> queue;
    /** Platform backend: one runner per worker, for good. */
    private final List<Runner<T>> workerRunners = new ArrayList<>();
    /** Virtual backend: the runners of the items in flight. */
    private final Set<Runner<T>> itemRunners = new HashSet<>();
    private int running;
    private State state = State.RUNNING;
    private int liveLoops;
    private long submitted;
    private long completed;
    private long failed;
    private final List<T> interrupted = new ArrayList<>();
    private @Nullable ShutdownReport<T> report; // set when the shutdown is done

    /** The platform workers, or the virtual backend's dispatcher. */
    private final List<Thread> loops = new ArrayList<>();
    /** Virtual backend: item threads that may still be alive (pruned by the dispatcher, joined by shutdown). */
    private final Set<Thread> itemThreads = ConcurrentHashMap.newKeySet();
    private final @Nullable Semaphore permits; // the virtual backend's bound; null for platform workers
    private final ThreadFactory itemThreadFactory;

    private WorkerPool(Builder<T> b) {
        this.name = b.name;
        this.handler = b.handler;
        this.workers = b.workers;
        this.capacity = b.queueCapacity;
        this.backend = b.backend;
        this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
        this.permits = backend == Backend.VIRTUAL_THREADS ? new Semaphore(workers) : null;
        this.itemThreadFactory = Thread.ofVirtual().name(name + "-item-", 0).factory();
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
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(backend, "backend");
            if (workers <= 0) {
                throw new IllegalArgumentException("workers must be positive, was " + workers);
            }
            if (queueCapacity <= 0) {
                throw new IllegalArgumentException("queueCapacity must be positive, was " + queueCapacity);
            }
            WorkerPool<T> pool = new WorkerPool<>(this);
            pool.startThreads();
            return pool;
        }
    }

    private void startThreads() {
        lock.lock();
        try {
            if (backend == Backend.PLATFORM_THREADS) {
                for (int i = 0; i < workers; i++) {
                    Runner<T> runner = new Runner<>();
                    workerRunners.add(runner);
                    // Daemon: a worker stuck in a handler that ignores interrupts must not keep the JVM alive.
                    runner.thread = Thread.ofPlatform().name(name + "-worker-" + i).daemon(true)
                            .unstarted(() -> workLoop(runner));
                    loops.add(runner.thread);
                }
            } else {
                loops.add(Thread.ofVirtual().name(name + "-dispatcher").unstarted(this::dispatchLoop));
            }
            liveLoops = loops.size();
            loops.forEach(Thread::start);
        } finally {
            lock.unlock();
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
        Objects.requireNonNull(item, "item");
        lock.lockInterruptibly();
        try {
            while (acceptingButFull(item)) {
                notFull.await();
            }
            enqueue(item);
        } finally {
            lock.unlock();
        }
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
        Objects.requireNonNull(item, "item");
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
        lock.lockInterruptibly();
        try {
            while (acceptingButFull(item)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            enqueue(item);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: throws once shutdown has started; otherwise whether the producer must wait for room. */
    private boolean acceptingButFull(T item) {
        if (state != State.RUNNING) {
            throw new IllegalStateException("worker pool '" + name + "' is shut down: " + item + " was not accepted");
        }
        return queue.size() == capacity;
    }

    private void enqueue(T item) {
        queue.addLast(item);
        submitted++;
        notEmpty.signal();
    }

    /**
     * Waits until every item submitted so far has finished: the queue is empty and no item is running.
     * Returns at once on an idle pool, and once shutdown has returned its report (even while abandoned items
     * still run).
     */
    public void awaitIdle() throws InterruptedException {
        awaitIdle(Duration.ofNanos(Long.MAX_VALUE));
    }

    /**
     * Like {@link #awaitIdle()}, waiting at most {@code timeout}.
     *
     * @return {@code true} if the pool is idle, {@code false} if {@code timeout} passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
        lock.lockInterruptibly();
        try {
            while (!isIdle()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean isIdle() {
        return state == State.TERMINATED || (queue.isEmpty() && running == 0);
    }

    /** The pool's counters, read together. */
    public PoolStats stats() {
        lock.lock();
        try {
            return new PoolStats(submitted, completed, failed, interrupted.size(), queue.size(), running);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Workers

    /**
     * A platform worker: one item after the other until the queue is closed and empty, or the pool stops.
     * Recording an outcome and taking the next item share one lock acquisition: the lock is the pool's
     * bottleneck with small items.
     */
    @SuppressWarnings("NullAway") // a runner's item is set (take) before its handler runs and logs
    private void workLoop(Runner<T> me) {
        try {
            Throwable thrown = null;
            boolean hasOutcome = false;
            while (true) {
                boolean logFailure = false;
                T done = me.item;
                lock.lock();
                try {
                    logFailure = hasOutcome && record(me, thrown);
                    if (!take(me)) {
                        return;
                    }
                } finally {
                    lock.unlock();
                    if (logFailure) {
                        logFailure(done, thrown);
                    }
                }
                thrown = call(me.item);
                hasOutcome = true;
            }
        } finally {
            loopExited();
        }
    }

    /** Under the lock, waits for an item and makes it {@code me}'s; {@code false} when the worker must exit. */
    private boolean take(Runner<T> me) {
        while (queue.isEmpty() && state == State.RUNNING) {
            // Only signals wake an idle worker; the pool interrupts only threads that run an item.
            notEmpty.awaitUninterruptibly();
        }
        if (queue.isEmpty() || state.compareTo(State.STOPPING) >= 0) {
            return false;
        }
        // A handler may have left its thread interrupted; that must not leak into the next item. Cleared
        // under the lock, so it can never erase the interrupt of shutdown, which also holds the lock.
        Thread.interrupted();
        me.item = dequeue();
        me.interruptedByPool = false;
        running++;
        return true;
    }

    private T dequeue() {
        T item = queue.pollFirst();
        notFull.signal();
        return item;
    }

    /** The virtual backend: a permit, an item, a new virtual thread for it; until closed and empty, or stopped. */
    @SuppressWarnings("NullAway") // permits: the dispatcher exists only for the virtual backend, which has them
    private void dispatchLoop() {
        try {
            while (true) {
                permits.acquire();
                boolean dispatched = false;
                lock.lock();
                try {
                    while (queue.isEmpty() && state == State.RUNNING) {
                        notEmpty.await();
                    }
                    if (queue.isEmpty() || state.compareTo(State.STOPPING) >= 0) {
                        return;
                    }
                    Runner<T> runner = new Runner<>();
                    runner.item = dequeue();
                    runner.thread = itemThreadFactory.newThread(() -> runItem(runner));
                    itemRunners.add(runner);
                    running++;
                    itemThreads.removeIf(t -> !t.isAlive());
                    itemThreads.add(runner.thread);
                    // Started under the lock: shutdown cannot interrupt a thread that has not started yet.
                    runner.thread.start();
                    dispatched = true; // the item's thread gives the permit back
                } finally {
                    lock.unlock();
                    if (!dispatched) {
                        permits.release();
                    }
                }
            }
        } catch (InterruptedException e) {
            // Shutdown stops the dispatcher by interrupting it: there is nothing left to dispatch.
        } finally {
            loopExited();
        }
    }

    @SuppressWarnings("NullAway") // virtual backend only (permits set); the runner is made with its item
    private void runItem(Runner<T> runner) {
        try {
            T item = runner.item;
            Throwable thrown = call(item);
            boolean logFailure;
            lock.lock();
            try {
                itemRunners.remove(runner);
                logFailure = record(runner, thrown);
            } finally {
                lock.unlock();
            }
            if (logFailure) {
                logFailure(item, thrown);
            }
        } finally {
            permits.release();
        }
    }

    /** Runs the handler; returns what it threw, or null. Catches everything so that a bad item kills no thread. */
    private @Nullable Throwable call(T item) {
        try {
            handler.handle(item);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * Under the lock: counts the outcome of {@code runner}'s item, unless shutdown has already abandoned
     * (reported) it; returns whether it is a failure to log.
     */
    private boolean record(Runner<T> runner, @Nullable Throwable thrown) {
        T item = runner.item;
        runner.item = null;
        running--;
        boolean failure = false;
        if (!runner.abandoned) {
            if (thrown == null) {
                completed++;
            } else if (runner.interruptedByPool) {
                interrupted.add(item);
            } else {
                failed++;
                failure = true;
            }
        }
        if (queue.isEmpty() && running == 0) {
            idle.signalAll();
        }
        if (state != State.RUNNING) {
            progress.signalAll();
        }
        return failure;
    }

    private void logFailure(T item, Throwable thrown) {
        LOG.atWarn().setCause(thrown).addKeyValue("pool", name).addKeyValue("item", item)
                .log("{}: item {} failed: {}", name, item, thrown.toString());
    }

    private void loopExited() {
        lock.lock();
        try {
            liveLoops--;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Shutdown

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
    @SuppressWarnings("NullAway") // a busy runner's thread is set: it is the thread that made it busy
    public ShutdownReport<T> shutdown(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        long deadlineAt = System.nanoTime() + Math.min(TimeUnit.NANOSECONDS.convert(deadline), Long.MAX_VALUE / 4);
        boolean callerInterrupted = false;
        ShutdownReport<T> result;
        List<Thread> toJoin = new ArrayList<>();
        long joinUntil;
        lock.lock();
        try {
            if (state != State.RUNNING) {
                // Another call is (or was) shutting down: its report is the one.
                while (report == null) {
                    terminated.awaitUninterruptibly();
                }
                return report;
            }
            state = State.DRAINING;
            notFull.signalAll();  // waiting producers: IllegalStateException
            notEmpty.signalAll(); // idle workers: exit once the queue is empty

            // 1. Drain while the deadline allows.
            callerInterrupted = awaitProgressUntil(deadlineAt, this::allDone);

            // 2. The deadline: hand back what never started, interrupt what still runs.
            state = State.STOPPING;
            List<T> unstarted = List.copyOf(queue);
            queue.clear();
            for (Runner<T> runner : busyRunners()) {
                runner.interruptedByPool = true;
                runner.thread.interrupt();
            }
            if (backend == Backend.VIRTUAL_THREADS) {
                loops.forEach(Thread::interrupt); // the dispatcher may wait for a permit that never comes back
            }
            notEmpty.signalAll();

            // 3. A short grace for the interrupted, then abandon the ones that ignore it.
            long graceEnd = System.nanoTime() + INTERRUPT_GRACE_NANOS;
            if (!callerInterrupted) {
                callerInterrupted = awaitProgressUntil(graceEnd, this::allDone);
            }
            // Early when everything drained: the threads then get the rest of the deadline to run off their end.
            joinUntil = (callerInterrupted ? System.nanoTime() : Math.max(deadlineAt, graceEnd)) + JOIN_BUDGET_NANOS;
            List<T> abandoned = new ArrayList<>();
            Set<Thread> abandonedThreads = new HashSet<>();
            for (Runner<T> runner : busyRunners()) {
                runner.abandoned = true;
                abandoned.add(runner.item);
                abandonedThreads.add(runner.thread);
            }
            state = State.TERMINATED;
            result = new ShutdownReport<>(submitted, completed, failed, interrupted, unstarted, abandoned);
            report = result;
            idle.signalAll();
            terminated.signalAll();
            for (Thread t : loops) {
                if (!abandonedThreads.contains(t)) {
                    toJoin.add(t);
                }
            }
            for (Thread t : itemThreads) {
                if (!abandonedThreads.contains(t)) {
                    toJoin.add(t);
                }
            }
        } finally {
            lock.unlock();
        }
        // The threads left have finished their work; they only have to run off the end of their code.
        callerInterrupted |= joinAll(toJoin, joinUntil);
        if (!result.abandoned().isEmpty()) {
            LOG.warn("{}: abandoned {} item(s) that ignored the interrupt: {}", name, result.abandoned().size(),
                    result.abandoned());
        }
        LOG.atInfo().addKeyValue("pool", name).log("{}: shut down: submitted={} completed={} failed={} interrupted={}"
                + " unstarted={} abandoned={}", name, result.submitted(), result.completed(), result.failed(),
                result.interrupted().size(), result.unstarted().size(), result.abandoned().size());
        if (callerInterrupted) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /** Every worker loop has exited and no item runs. */
    private boolean allDone() {
        return liveLoops == 0 && running == 0;
    }

    /** Under the lock: the runners with an item in flight. */
    private List<Runner<T>> busyRunners() {
        if (backend == Backend.VIRTUAL_THREADS) {
            return List.copyOf(itemRunners);
        }
        return workerRunners.stream().filter(r -> r.item != null).toList();
    }

    /** Under the lock, waits until {@code done} or {@code until}; returns whether the caller was interrupted. */
    private boolean awaitProgressUntil(long until, java.util.function.BooleanSupplier done) {
        long left;
        while (!done.getAsBoolean() && (left = until - System.nanoTime()) > 0) {
            try {
                progress.awaitNanos(left);
            } catch (InterruptedException e) {
                return true; // bring the deadline forward: the caller wants out
            }
        }
        return false;
    }

    private static boolean joinAll(List<Thread> threads, long until) {
        boolean interrupted = false;
        for (Thread t : threads) {
            long left = until - System.nanoTime();
            while (left > 0) {
                try {
                    t.join(Duration.ofNanos(left));
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    left = until - System.nanoTime();
                }
            }
        }
        return interrupted;
    }
}
