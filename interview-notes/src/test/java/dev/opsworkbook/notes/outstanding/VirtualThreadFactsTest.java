package dev.opsworkbook.notes.outstanding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opsworkbook.testing.LeakCheck;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q31–Q32: what a virtual thread is and how it runs")
class VirtualThreadFactsTest {

    @Test
    @DisplayName("10,000 virtual threads blocked at once add only the carriers and a few JDK helper threads")
    void tenThousandBlockedOnAFewCarriers() throws Exception {
        var blocked = VirtualThreadFacts.blockAtOnce(Executors.newVirtualThreadPerTaskExecutor(), 10_000);
        assertThat(blocked.blockedAtOnce()).isEqualTo(10_000);
        assertThat(blocked.platformThreadsAdded())
                .as("platform threads added while 10,000 virtual threads were blocked (carriers: %d; the scheduler's"
                        + " timer and the unparker start on first use too)", VirtualThreadFacts.carriers())
                .isLessThanOrEqualTo(VirtualThreadFacts.carriers() + 4);
    }

    @Test
    @DisplayName("200 platform threads blocked at once are 200 more OS threads")
    void platformThreadsAreOneToOne() throws Exception {
        var blocked = VirtualThreadFacts.blockAtOnce(Executors.newFixedThreadPool(200), 200);
        assertThat(blocked.platformThreadsAdded()).isGreaterThanOrEqualTo(200);
    }

    @Test
    @DisplayName("a mounted virtual thread names its carrier, a ForkJoinPool worker")
    void carrierIsAForkJoinWorker() throws Exception {
        String carrier = CompletableFuture.supplyAsync(() -> VirtualThreadFacts.carrierName(Thread.currentThread()),
                Executors.newVirtualThreadPerTaskExecutor()).get();
        assertThat(carrier).startsWith("ForkJoinPool-").contains("-worker-");
        Thread unstarted = Thread.ofVirtual().unstarted(() -> { });
        assertThat(VirtualThreadFacts.carrierName(unstarted)).isEqualTo("(not mounted)");
    }

    @Test
    @DisplayName("with every carrier busy computing, a new virtual thread runs only after one of them finishes")
    void noTimeSlicing() throws Exception {
        assertThat(VirtualThreadFacts.spinnersFinishedWhenNewcomerRan(false, 300))
                .as("CPU-bound spinners that had finished when the newcomer got a carrier")
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    @DisplayName("spinners that call Thread.yield() can let the newcomer run while they are all still spinning")
    void yieldUnmounts() throws Exception {
        // Thread.yield() is a hint: the newcomer usually runs at once, but the JDK does not promise it (a yield
        // resubmits to a queue the newcomer may not be in: openjdk/loom#226), so up to five tries of 2 s each.
        int finishedFirst = Integer.MAX_VALUE;
        for (int run = 0; run < 5 && finishedFirst > 0; run++) {
            finishedFirst = VirtualThreadFacts.spinnersFinishedWhenNewcomerRan(true, 2_000);
        }
        assertThat(finishedFirst).as("spinners finished before the newcomer ran, in the best of five tries").isZero();
    }

    @Test
    @DisplayName("on JDK 24+, virtual threads parked inside synchronized free their carriers (JEP 491)")
    void synchronizedNoLongerPins() throws Exception {
        assumeTrue(Runtime.version().feature() >= 24, "JEP 491 is in JDK 24");
        assertThat(VirtualThreadFacts.othersRunWhileBlockedInSynchronized()).isTrue();
    }
}
