package dev.opsworkbook.notes.servers;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Q24: a single-threaded event loop in the shape of asyncio's and Netty's: a task queue any thread may
 * add to, timers ordered by deadline, and a {@link Selector} that sleeps until the next timer, a new task
 * or an I/O event. Every task, timer and I/O handler runs on the loop's one thread.
 */
public final class MiniLoop implements AutoCloseable {

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();  // any thread adds, the loop takes
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();     // loop thread only
    private final LongSupplier nanoClock;
    private final Consumer<Throwable> onError;
    private final Thread thread;
    private volatile boolean running = true;
    private long scheduled;                                                 // loop thread only

    /** A timer: earlier deadline first; equal deadlines in the order they were scheduled. */
    private record Timer(long deadline, long sequence, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byDeadline = Long.compare(deadline - other.deadline, 0); // nanoTime may wrap: compare differences
            return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
        }
    }

    /** Starts the loop thread; {@code onError} hears about every exception a task or handler throws. */
    public MiniLoop(String name, LongSupplier nanoClock, Consumer<Throwable> onError) throws IOException {
        this.selector = Selector.open();
        this.nanoClock = nanoClock;
        this.onError = onError;
        this.thread = Thread.ofPlatform().name(name).start(this::run);
    }

    // @start region=submit
    /** Runs {@code task} on the loop thread, after the tasks submitted before it. Any thread may call this. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) {
            selector.wakeup();                      // the loop may be asleep in select(): wake it up
        }
    }

    /** Runs {@code task} on the loop thread once {@code delay} has passed on the loop's clock. */
    public void schedule(Duration delay, Runnable task) {
        long deadline = nanoClock.getAsLong() + delay.toNanos(); // measured from the call, not from the hand-off
        execute(() -> timers.add(new Timer(deadline, scheduled++, task)));
    }

    /** Watches {@code channel} for {@code ops}; {@code handler} runs on the loop thread when it is ready. */
    public void register(SelectableChannel channel, int ops, Consumer<SelectionKey> handler) {
        execute(() -> {
            try {
                channel.configureBlocking(false);
                channel.register(selector, ops, handler);
            } catch (IOException e) {
                onError.accept(e); // e.g. the channel was closed before the loop got to it
            }
        });
    }
    // @end region=submit

    // @start region=loop
    private void run() {
        while (running) {
            runDueTimers();
            runQueuedTasks();
            try {
                long waitMillis = tasks.isEmpty() ? millisToNextTimer() : -1;
                if (waitMillis < 0) {
                    selector.selectNow();           // work is waiting: only collect the ready channels
                } else {
                    selector.select(waitMillis);    // 0 = no timer: sleep until I/O or wakeup()
                }
            } catch (IOException e) {
                onError.accept(e);
                return;
            }
            runReadyHandlers();
        }
    }

    /**
     * Fairness: runs only the tasks queued before this pass. A task that submits another one (or itself)
     * runs that one on the next pass, after the due timers and the ready I/O, so it cannot starve them.
     */
    private void runQueuedTasks() {
        for (int n = tasks.size(); n > 0; n--) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            safely(task);
        }
    }

    private void runDueTimers() {
        long now = nanoClock.getAsLong();
        for (Timer t; (t = timers.peek()) != null && t.deadline() - now <= 0; ) {
            timers.remove();
            safely(t.task());
        }
    }

    private long millisToNextTimer() {
        Timer next = timers.peek();
        if (next == null) {
            return 0;
        }
        long nanos = next.deadline() - nanoClock.getAsLong();
        return nanos <= 0 ? -1 : Math.max(1, (nanos + 999_999) / 1_000_000); // round up: never wake early
    }

    @SuppressWarnings("unchecked") // the attachment is always the handler that register() stored
    private void runReadyHandlers() {
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            if (key.isValid()) {
                safely(() -> ((Consumer<SelectionKey>) key.attachment()).accept(key));
            }
        }
    }

    /** One failing task is reported, never allowed to kill the loop (and with it every other task). */
    private void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            onError.accept(e);
        }
    }
    // @end region=loop

    /** Stops the loop after its current pass and waits for its thread; queued tasks are dropped. */
    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join();
        selector.close();
    }
}
