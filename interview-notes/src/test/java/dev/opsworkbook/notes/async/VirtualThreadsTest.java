package dev.opsworkbook.notes.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@DisplayName("Q21: virtual threads, carriers and pinning")
class VirtualThreadsTest {

    static final int FEATURE = Runtime.version().feature();

    @Test
    @Timeout(60)
    @DisplayName("100,000 virtual threads sleep at the same time on a handful of platform threads")
    void aHundredThousandSleepers() throws Exception {
        VirtualThreads.Census census = VirtualThreads.sleepAtOnce(100_000);

        assertThat(census.sleeping()).as("virtual threads inside Thread.sleep at the same moment").isEqualTo(100_000);
        // Carriers (one per core) plus the JDK's timer/poller helpers; nowhere near one per task.
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(census.platformThreadsDuring() - census.platformThreadsBefore())
                .as("platform threads added while 100,000 tasks slept (%s)", census)
                .isLessThanOrEqualTo(cores + 8);
    }

    @Test
    @DisplayName("sleeping inside synchronized pins the carrier before JDK 24 and not since (JEP 491)")
    void synchronizedPinsOnlyBeforeJdk24() throws Exception {
        long pinned = VirtualThreads.pinnedEvents(VirtualThreads::sleepInsideSynchronized);
        if (FEATURE >= 24) {
            assertThat(pinned).as("jdk.VirtualThreadPinned events on JDK %d", FEATURE).isZero();
        } else {
            assertThat(pinned).as("jdk.VirtualThreadPinned events on JDK %d", FEATURE).isPositive();
        }
    }

    @Test
    @DisplayName("sleeping while holding a ReentrantLock never pins")
    void reentrantLockNeverPins() throws Exception {
        assertThat(VirtualThreads.pinnedEvents(VirtualThreads::sleepInsideReentrantLock)).isZero();
    }

    @Test
    @DisplayName("sleeping inside a class initializer still pins, and JFR reports it")
    void classInitializerPins() throws Exception {
        assertThat(VirtualThreads.pinnedEvents(VirtualThreads::sleepInsideClassInitializer)).isPositive();
    }
}
