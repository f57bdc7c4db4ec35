package dev.opsworkbook.notes.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(30)
@DisplayName("Q24: a single-threaded event loop with timers and a task queue")
class MiniLoopTest {

    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final AtomicLong fakeNanos = new AtomicLong(1_000_000_000L);
    final List<AutoCloseable> toClose = new ArrayList<>();

    MiniLoop loop(boolean fakeClock) throws Exception {
        MiniLoop loop = new MiniLoop("mini-loop", fakeClock ? fakeNanos::get : System::nanoTime, errors::add);
        toClose.add(loop);
        return loop;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    /** Waits until every task submitted before this call has run. */
    static void drain(MiniLoop loop) throws InterruptedException {
        CountDownLatch marker = new CountDownLatch(1);
        loop.execute(marker::countDown);
        assertThat(marker.await(10, TimeUnit.SECONDS)).as("the loop ran a task within 10 s").isTrue();
    }

    @Test
    @DisplayName("runs 1,000 tasks from another thread in submission order, all on the loop's one thread")
    void tasksRunInOrderOnOneThread() throws Exception {
        MiniLoop loop = loop(false);
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int n = i;
            loop.execute(() -> {
                order.add(n);
                threads.add(Thread.currentThread().getName());
            });
        }
        drain(loop);
        assertThat(order).hasSize(1_000).isSorted();
        assertThat(threads).containsOnly("mini-loop");
    }

    @Test
    @DisplayName("fires timers by deadline, equal deadlines in scheduling order, and none before its deadline")
    void timersFireInDeadlineOrder() throws Exception {
        MiniLoop loop = loop(true);
        List<String> fired = new CopyOnWriteArrayList<>();
        loop.schedule(Duration.ofMillis(30), () -> fired.add("A@30"));
        loop.schedule(Duration.ofMillis(10), () -> fired.add("B@10"));
        loop.schedule(Duration.ofMillis(20), () -> fired.add("C@20"));
        loop.schedule(Duration.ofMillis(10), () -> fired.add("D@10"));
        drain(loop);
        assertThat(fired).as("fired with the clock not moved").isEmpty();

        fakeNanos.addAndGet(Duration.ofMillis(25).toNanos());
        drain(loop); // the pass that runs this task ran the due timers first
        assertThat(fired).containsExactly("B@10", "D@10", "C@20");

        fakeNanos.addAndGet(Duration.ofMillis(5).toNanos());
        drain(loop);
        assertThat(fired).containsExactly("B@10", "D@10", "C@20", "A@30");
    }

    @Test
    @DisplayName("is fair: a task that resubmits itself forever does not starve a new task, a due timer or ready I/O")
    void aBusyTaskDoesNotStarveTheRest() throws Exception {
        MiniLoop loop = loop(false);
        AtomicInteger steps = new AtomicInteger();
        CountDownLatch othersRan = new CountDownLatch(3);
        AtomicInteger stepsWhenTaskRan = new AtomicInteger();
        Runnable busy = new Runnable() {
            @Override
            public void run() {
                if (steps.incrementAndGet() < 10_000_000 && othersRan.getCount() > 0) {
                    loop.execute(this); // always more work: an unfair loop would never leave this chain
                }
            }
        };
        try (Pipe.SinkChannel sink = openPipe(loop, othersRan)) {
            loop.execute(busy);
            loop.execute(() -> {
                stepsWhenTaskRan.set(steps.get());
                othersRan.countDown();
            });
            // Once queued, the task is in the next pass's snapshot: at most the step running now and the one
            // queued ahead of it come first. (If it has already run, the difference is zero or negative.)
            int queuedAt = steps.get();
            loop.schedule(Duration.ZERO, othersRan::countDown);
            sink.write(ByteBuffer.wrap(new byte[] {1}));

            assertThat(othersRan.await(10, TimeUnit.SECONDS)).as("the task, the timer and the I/O handler ran").isTrue();
            assertThat(stepsWhenTaskRan.get() - queuedAt).as("busy steps between queueing a task and its run")
                    .isLessThanOrEqualTo(2);
        }

        assertThat(steps.get()).as("the busy chain was still going").isLessThan(10_000_000);
    }

    private Pipe.SinkChannel openPipe(MiniLoop loop, CountDownLatch othersRan) throws Exception {
        Pipe pipe = Pipe.open();
        toClose.add(pipe.source());
        loop.register(pipe.source(), SelectionKey.OP_READ, key -> {
            try {
                pipe.source().read(ByteBuffer.allocate(16));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            key.cancel();
            othersRan.countDown();
        });
        drain(loop); // registered before the first byte is written
        return pipe.sink();
    }

    @Test
    @DisplayName("reports a task that throws, and keeps running the tasks after it")
    void aFailingTaskDoesNotKillTheLoop() throws Exception {
        MiniLoop loop = loop(false);
        loop.execute(() -> {
            throw new IllegalStateException("bad task");
        });
        drain(loop);
        assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("bad task");
    }
}
