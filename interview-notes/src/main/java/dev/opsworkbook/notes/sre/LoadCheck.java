package dev.opsworkbook.notes.sre;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Q38: a load test small enough for every CI run. It fires a fixed number of requests with bounded concurrency,
 * then checks the SLO on what it counted: the error ratio and latency percentiles, never the wall-clock total.
 */
final class LoadCheck {

    private LoadCheck() {
    }

    // @start region=run
    /** What one run measured. Latencies are sorted, in microseconds. */
    record Result(int requests, int errors, List<Long> sortedLatencyMicros) {

        /** Nearest-rank percentile: the smallest latency that at least {@code p}% of requests did not exceed. */
        long percentileMicros(double p) {
            int rank = (int) Math.ceil(p / 100 * sortedLatencyMicros.size());
            return sortedLatencyMicros.get(Math.max(rank, 1) - 1);
        }

        double errorRatio() {
            return (double) errors / requests;
        }
    }

    static Result run(HttpClient client, URI uri, int requests, int concurrency) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger errors = new AtomicInteger();
        long[] latencies = new long[requests];
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                inFlight.acquire();                        // a closed model: at most `concurrency` outstanding
                int n = i;
                vts.execute(() -> {
                    long start = System.nanoTime();
                    try {
                        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
                        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status >= 500) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {               // timeouts and resets are errors too
                        errors.incrementAndGet();
                    } catch (InterruptedException e) {
                        errors.incrementAndGet();
                        Thread.currentThread().interrupt();
                    } finally {
                        latencies[n] = (System.nanoTime() - start) / 1_000;
                        inFlight.release();
                    }
                });
            }
            inFlight.acquire(concurrency);                 // all done; release() -> acquire() publishes `latencies`
        }
        return new Result(requests, errors.get(), Arrays.stream(latencies).sorted().boxed().toList());
    }
    // @end region=run

    // @start region=slo
    /** The gate CI applies: a p95 latency and an error ratio, with the reasons it failed. */
    record Slo(double percentile, Duration maxLatency, double maxErrorRatio) {

        List<String> violations(Result r) {
            List<String> out = new ArrayList<>();
            long p = r.percentileMicros(percentile);
            if (p > maxLatency.toNanos() / 1_000) {
                out.add("p%s latency %d ms > %d ms".formatted(fmt(percentile), p / 1_000, maxLatency.toMillis()));
            }
            if (r.errorRatio() > maxErrorRatio) {
                out.add("error ratio %.2f%% > %.2f%% (%d of %d requests)"
                        .formatted(100 * r.errorRatio(), 100 * maxErrorRatio, r.errors(), r.requests()));
            }
            return out;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
    // @end region=slo
}
