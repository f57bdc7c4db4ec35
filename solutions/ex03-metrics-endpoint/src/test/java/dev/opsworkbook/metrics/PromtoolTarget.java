package dev.opsworkbook.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The scrape target of {@code scripts/peers/ex03-metrics-endpoint-promtool.sh}: the reference's {@code /metrics} on a
 * free loopback port, serving a registry with every kind of metric and label values that need every escape. It writes
 * the URL to the file named by its argument once it listens, and stops when its standard input closes.
 */
public final class PromtoolTarget {
    private PromtoolTarget() {
    }

    public static void main(String[] args) throws IOException {
        MetricsRegistry registry = new MetricsRegistry();
        Counter jobs = registry.counter("jobs_processed_total", "Jobs \"processed\" by queue: C:\\queues\nsecond line.",
                "queue", "outcome");
        jobs.labels("emails", "ok").inc(3);
        jobs.labels("say \"hi\"", "ok").inc();
        jobs.labels("C:\\temp\\new", "failed").inc(0.5);
        jobs.labels("two\nlines", "ok").inc(2);
        jobs.labels("Grüße aus 東京 🚀", "ok").inc();
        jobs.labels("", "{a=\"b\",c}=# EOF").inc();
        registry.counter("restarts", "Restarts since boot.").inc();
        registry.counter("transferred_bytes", "Bytes transferred, past 2^63.").inc(9.0e18);
        registry.counter("unused", "A labelled counter with no series yet.", "x");
        Histogram latency = registry.histogram("job_duration_seconds", "Job time.", Histogram.DEFAULT_BUCKETS, "queue");
        for (double v : new double[] {0.001, 0.005, 0.07, 0.3, 2.5, 11}) {
            latency.labels("emails").observe(v);
        }
        latency.labels("say \"hi\"\\\n").observe(Double.POSITIVE_INFINITY);
        registry.histogram("payload_size_bytes", "Payload sizes.", List.of(64.0, 1024.0, 65536.0)).observe(300);
        registry.histogram("idle_seconds", "Never observed.", List.of(1.0));

        HttpMetrics http = new HttpMetrics(registry);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", http.instrument("/metrics", new MetricsHandler(registry)));
        server.start();
        try {
            Files.writeString(Path.of(args[0]), "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics\n",
                    StandardCharsets.UTF_8);
            while (System.in.read() >= 0) {
                // serve until the script closes our standard input
            }
        } finally {
            server.stop(0);
        }
    }
}
