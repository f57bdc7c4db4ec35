package dev.opsworkbook.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The learner's registry and the official client's registry side by side: every registration and update goes
 * to both, so the test can compare the two expositions. The official client runs with classic histograms only
 * and without {@code _created} lines, the two choices this exercise's text formats make.
 */
final class Twin {
    final MetricsRegistry mine = new MetricsRegistry();
    final PrometheusRegistry official = new PrometheusRegistry();

    /** A counter in both registries. */
    TwinCounter counter(String name, String help, String... labelNames) {
        Counter learner = mine.counter(name, help, labelNames);
        var builder = io.prometheus.metrics.core.metrics.Counter.builder().name(name).help(help);
        if (labelNames.length > 0) {
            builder.labelNames(labelNames);
        }
        return new TwinCounter(learner, builder.register(official), labelNames.length);
    }

    /** A classic histogram in both registries. */
    TwinHistogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
        Histogram learner = mine.histogram(name, help, buckets, labelNames);
        var builder = io.prometheus.metrics.core.metrics.Histogram.builder().name(name).help(help).classicOnly()
                .classicUpperBounds(buckets.stream().mapToDouble(Double::doubleValue).toArray());
        if (labelNames.length > 0) {
            builder.labelNames(labelNames);
        }
        return new TwinHistogram(learner, builder.register(official), labelNames.length);
    }

    /** What the official client's text writer produces for the same registrations and updates. */
    String officialText() {
        return officialText(official);
    }

    static String officialText(PrometheusRegistry registry) {
        return write(PrometheusTextFormatWriter.builder().setIncludeCreatedTimestamps(false).build(), registry);
    }

    /** What the official client's OpenMetrics writer produces (its default: no {@code _created} lines). */
    String officialOpenMetrics() {
        return write(OpenMetricsTextFormatWriter.builder().setCreatedTimestampsEnabled(false).build(), official);
    }

    private static String write(ExpositionFormatWriter writer, PrometheusRegistry registry) {
        var out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The learner's OpenMetrics exposition, through {@link OpenMetricsFormat#write}. */
    String mineOpenMetrics() {
        var out = new StringWriter();
        try {
            OpenMetricsFormat.write(mine, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    record TwinCounter(Counter learner, io.prometheus.metrics.core.metrics.Counter official, int labels) {
        void inc(double amount, String... labelValues) {
            if (labels == 0) {
                learner.inc(amount);
                official.inc(amount);
            } else {
                learner.labels(labelValues).inc(amount);
                official.labelValues(labelValues).inc(amount);
            }
        }
    }

    record TwinHistogram(Histogram learner, io.prometheus.metrics.core.metrics.Histogram official, int labels) {
        void observe(double value, String... labelValues) {
            if (labels == 0) {
                learner.observe(value);
                official.observe(value);
            } else {
                learner.labels(labelValues).observe(value);
                official.labelValues(labelValues).observe(value);
            }
        }
    }
}
