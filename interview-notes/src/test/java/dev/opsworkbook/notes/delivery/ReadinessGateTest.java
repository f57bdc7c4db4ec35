package dev.opsworkbook.notes.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opsworkbook.testing.LeakCheck;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

// @start region=junit-shape
@ExtendWith(LeakCheck.class)                       // fails the test if it leaks a thread, process or fd
@DisplayName("A readiness gate")
class ReadinessGateTest {

    @Nested
    @DisplayName("while the warm-up runs")
    class WhileWarmingUp {
        @Test
        @DisplayName("reports STARTING")
        void starting() throws Exception {
            CountDownLatch finish = new CountDownLatch(1);
            try (ReadinessGate gate = new ReadinessGate(() -> awaitLatch(finish))) {
                assertThat(gate.state()).isEqualTo(ReadinessGate.State.STARTING);
                finish.countDown();
            }
        }
    }

    @Nested
    @DisplayName("after the warm-up")
    class AfterWarmUp {
        @Test
        @DisplayName("becomes READY, without the test sleeping")
        void ready() throws Exception {
            try (ReadinessGate gate = new ReadinessGate(() -> { })) {
                await().atMost(Duration.ofSeconds(5))       // polls; returns as soon as it holds
                        .until(gate::state, s -> s == ReadinessGate.State.READY);
            }
        }

        @ParameterizedTest(name = "a warm-up throwing {0} makes the gate FAILED")
        @EnumSource(names = {"ILLEGAL_STATE", "UNCHECKED_IO"})
        void failed(Failure failure) throws Exception {
            try (ReadinessGate gate = new ReadinessGate(failure::throwIt)) {
                await().atMost(Duration.ofSeconds(5)).until(gate::state, s -> s == ReadinessGate.State.FAILED);
            }
        }
    }
    // @end region=junit-shape

    enum Failure {
        ILLEGAL_STATE, UNCHECKED_IO;

        void throwIt() {
            throw this == ILLEGAL_STATE ? new IllegalStateException("db down")
                    : new java.io.UncheckedIOException(new java.io.IOException("disk"));
        }
    }

    static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
