package dev.opsworkbook.notes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@DisplayName("Q2: no GIL in Java; happens-before; LongAdder")
class NoGilTest {

    @Test
    @DisplayName("two threads run CPU-bound Java code at the same time: nothing like a GIL serialises them")
    void twoThreadsInsideCpuBoundCodeAtOnce() throws InterruptedException {
        assertThat(NoGil.maxInsideAtOnce(false, TimeUnit.SECONDS.toNanos(8)))
                .as("threads seen inside the CPU-bound section at once").isEqualTo(2);
    }

    @Test
    @DisplayName("with a simulated global lock they never overlap (what a GIL does to CPU-bound threads)")
    void aGlobalLockSerialises() throws InterruptedException {
        assertThat(NoGil.maxInsideAtOnce(true, TimeUnit.MILLISECONDS.toNanos(100))).isEqualTo(1);
    }

    @Test
    @DisplayName("a parallel stream gives the same answer as the sequential loop")
    void parallelSumIsCorrect() {
        long n = 5_000_000;
        assertThat(NoGil.parallelSum(n, i -> i % 7)).isEqualTo(NoGil.sum(0, n, i -> i % 7));
    }

    @Test
    @DisplayName("a value written before a volatile write is visible after the volatile read sees it")
    void volatilePublishesThePayload() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            NoGil.Mailbox box = new NoGil.Mailbox();
            long[] seen = new long[1];
            Thread reader = Thread.ofPlatform().start(() -> seen[0] = box.awaitPayload());
            box.publish(round + 1_000L);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(reader.isAlive()).as("reader still spinning: it never saw the volatile write").isFalse();
            assertThat(seen[0]).isEqualTo(round + 1_000L);
        }
    }

    @Test
    @DisplayName("LongAdder loses no increments from 4 threads")
    void longAdderIsExact() throws InterruptedException {
        assertThat(NoGil.countWithLongAdder(4, 250_000)).isEqualTo(1_000_000);
    }
}
