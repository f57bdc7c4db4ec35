package dev.opsworkbook.notes.outstanding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q33: when virtual threads help, and when they do not")
class CpuOffloadTest {

    @Test
    @DisplayName("50 CPU-bound tasks on virtual threads never run more at once than there are carriers")
    void cpuBoundIsCappedByCarriers() throws Exception {
        int peak = CpuOffload.peakRunningCpuTasksOnVirtualThreads(50, 2_000_000);
        assertThat(peak).isBetween(1, VirtualThreadFacts.carriers());
    }

    @Test
    @DisplayName("with CPU work offloaded to the platform pool, a request on a virtual thread still gets a carrier")
    void offloadKeepsCarriersFree() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch allComputing = new CountDownLatch(cores);
        List<Future<Long>> jobs = new ArrayList<>();
        try (CpuOffload offload = new CpuOffload(); ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < cores; i++) {
                jobs.add(requests.submit(() -> offload.compute(() -> {
                    allComputing.countDown();
                    long x = 0;
                    while (stop.getCount() > 0) {          // CPU-bound until released
                        x += CpuOffload.spin(1_000);
                    }
                    return x;
                })));
            }
            assertThat(allComputing.await(20, TimeUnit.SECONDS)).as("every core busy in the CPU pool").isTrue();
            // one virtual thread per core is parked in compute(); a new request still runs to completion
            Future<String> healthCheck = requests.submit(() -> "ok");
            assertThat(healthCheck.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(allComputing.getCount()).isZero();
            assertThat(jobs).noneMatch(Future::isDone);
            stop.countDown();
        }
        assertThat(jobs).allMatch(f -> f.state() == Future.State.SUCCESS);
    }
}
