package dev.opsworkbook.health;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The service's metrics, in a registry of its own (never the client's static default registry: two services in one
 * JVM, as in the tests, must not share series).
 */
final class HealthMetrics {

    private static final double[] REQUEST_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram requests = Histogram.builder()
            .name("http_server_request_duration_seconds")
            .help("Time to answer an HTTP request, by route template and status code")
            .labelNames("route", "status")
            .classicOnly()
            .classicUpperBounds(REQUEST_BUCKETS)
            .register(registry);
    private final Histogram checkDurations = Histogram.builder()
            .name("health_check_duration_seconds")
            .help("Time one health check took (its timeout when it timed out); the count is how often it ran")
            .labelNames("dependency")
            .classicOnly()
            .classicUpperBounds(REQUEST_BUCKETS)
            .register(registry);
    private final Gauge dependencies = Gauge.builder()
            .name("health_dependency_status")
            .help("The last result of each dependency's check: 1 up, 0.5 degraded, 0 down")
            .labelNames("dependency")
            .register(registry);

    void requestServed(String route, int status, long nanos) {
        requests.labelValues(route, Integer.toString(status)).observe(nanos / 1e9);
    }

    void checkRan(CheckResult result, long nanos) {
        checkDurations.labelValues(result.check().name()).observe(nanos / 1e9);
        dependencies.labelValues(result.check().name()).set(result.status().gaugeValue());
    }

    String contentType() {
        return writer.getContentType();
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        writer.write(out, registry.scrape());
        return out.toByteArray();
    }
}
