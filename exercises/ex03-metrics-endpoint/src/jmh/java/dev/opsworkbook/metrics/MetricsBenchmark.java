package dev.opsworkbook.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path of instrumentation, next to the official Prometheus client in the same run. Methods are named
 * {@code <scenario>_<impl>}; {@code baselinePrometheusClient} is the official client (classic histogram only,
 * {@code classicOnly()}, the same buckets) and the report divides by it.
 *
 * <ul>
 *   <li>{@code observe1T} / {@code observe2T}: {@code Histogram.observe} on one shared series with the default
 *       latency buckets, from one thread and from two threads at once (ns per operation per thread);</li>
 *   <li>{@code inc1T} / {@code inc2T}: {@code Counter.inc()} on one shared series.</li>
 * </ul>
 *
 * <p>Each thread cycles through 1,024 precomputed values (spread over all buckets), so the figure is the metric's
 * cost and not a random generator's. Run with {@code -prof gc} for the allocation per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MetricsBenchmark {

    /** Your metrics, shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Metrics {
        Histogram histogram;
        Counter counter;

        @Setup
        public void setUp() {
            MetricsRegistry registry = new MetricsRegistry();
            histogram = registry.histogram("latency_seconds", "Latency.", Histogram.DEFAULT_BUCKETS);
            counter = registry.counter("requests", "Requests.");
        }
    }

    /** The official client's metrics (a separate state, so the baseline runs even before your code does). */
    @State(Scope.Benchmark)
    public static class Official {
        io.prometheus.metrics.core.metrics.Histogram officialHistogram;
        io.prometheus.metrics.core.metrics.Counter officialCounter;

        @Setup
        public void setUp() {
            PrometheusRegistry official = new PrometheusRegistry();
            officialHistogram = io.prometheus.metrics.core.metrics.Histogram.builder().name("latency_seconds")
                    .help("Latency.").classicOnly().withoutExemplars().register(official);
            officialCounter = io.prometheus.metrics.core.metrics.Counter.builder().name("requests")
                    .help("Requests.").withoutExemplars().register(official);
        }
    }

    /** Per-thread observation values. */
    @State(Scope.Thread)
    public static class Values {
        final double[] values = new double[1024];
        int next;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(Thread.currentThread().threadId());
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextDouble() * random.nextDouble() * 12; // most small, some above 10 s
            }
        }

        double next() {
            return values[next++ & 1023];
        }
    }

    @Benchmark
    @Threads(1)
    public void observe1T_metrics(Metrics m, Values v) {
        m.histogram.observe(v.next());
    }

    @Benchmark
    @Threads(1)
    public void observe1T_baselinePrometheusClient(Official m, Values v) {
        m.officialHistogram.observe(v.next());
    }

    @Benchmark
    @Threads(2)
    public void observe2T_metrics(Metrics m, Values v) {
        m.histogram.observe(v.next());
    }

    @Benchmark
    @Threads(2)
    public void observe2T_baselinePrometheusClient(Official m, Values v) {
        m.officialHistogram.observe(v.next());
    }

    @Benchmark
    @Threads(1)
    public void inc1T_metrics(Metrics m) {
        m.counter.inc();
    }

    @Benchmark
    @Threads(1)
    public void inc1T_baselinePrometheusClient(Official m) {
        m.officialCounter.inc();
    }

    @Benchmark
    @Threads(2)
    public void inc2T_metrics(Metrics m) {
        m.counter.inc();
    }

    @Benchmark
    @Threads(2)
    public void inc2T_baselinePrometheusClient(Official m) {
        m.officialCounter.inc();
    }
}
