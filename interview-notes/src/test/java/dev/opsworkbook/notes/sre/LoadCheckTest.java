package dev.opsworkbook.notes.sre;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.opsworkbook.notes.sre.LoadCheck.Result;
import dev.opsworkbook.notes.sre.LoadCheck.Slo;
import dev.opsworkbook.testing.LeakCheck;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q38: a load test small enough for CI, gated on counted errors and percentiles")
class LoadCheckTest {

    static final Slo SLO = new Slo(95, Duration.ofMillis(100), 0.01);

    /** A loopback service: every {@code slowEvery}-th request takes 150 ms, every {@code failEvery}-th is a 500. */
    static Result load(int requests, int slowEvery, int failEvery) throws Exception {
        AtomicInteger seen = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        try (ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
             HttpClient client = HttpClient.newBuilder().executor(handlers).build()) {
            server.setExecutor(handlers);
            server.createContext("/api", ex -> {
                int n = seen.incrementAndGet();
                try {
                    if (slowEvery > 0 && n % slowEvery == 0) {
                        Thread.sleep(150);                // the planted regression: slow, not a synchronisation
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int status = failEvery > 0 && n % failEvery == 0 ? 500 : 200;
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
            server.start();
            try {
                return LoadCheck.run(client, URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api"),
                        requests, 20);
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    @DisplayName("nearest-rank percentiles of 1..100 ms are p50 = 50, p95 = 95, p99 = 99, p100 = 100")
    void percentiles() {
        Result r = new Result(100, 0, LongStream.rangeClosed(1, 100).map(ms -> ms * 1_000).boxed().toList());
        assertThat(List.of(r.percentileMicros(50), r.percentileMicros(95), r.percentileMicros(99),
                r.percentileMicros(100))).containsExactly(50_000L, 95_000L, 99_000L, 100_000L);
        assertThat(SLO.violations(r)).isEmpty();
    }

    @Test
    @DisplayName("500 requests, 20 at a time, against a healthy service: every one counted and timed, none failed")
    void healthyServicePasses() throws Exception {
        Result r = load(500, 0, 0);
        assertThat(r.requests()).isEqualTo(500);
        assertThat(r.sortedLatencyMicros()).hasSize(500).isSorted();
        assertThat(r.errors()).isZero();
        assertThat(r.errorRatio()).isZero();
        assertThat(r.percentileMicros(50)).isLessThanOrEqualTo(r.percentileMicros(95));
    }

    @Test
    @DisplayName("a planted regression (every 10th request 150 ms, every 50th a 500) fails the gate with both reasons")
    void regressionFailsTheGate() throws Exception {
        Result r = load(500, 10, 50);
        assertThat(r.errors()).isEqualTo(10);
        assertThat(r.percentileMicros(95)).as("p95 with 10% of requests slowed by 150 ms")
                .isGreaterThanOrEqualTo(150_000);
        assertThat(SLO.violations(r)).hasSize(2)
                .anyMatch(v -> v.startsWith("p95 latency ") && v.endsWith(" ms > 100 ms"))
                .contains("error ratio 2.00% > 1.00% (10 of 500 requests)");
    }
}
