package dev.opsworkbook.metrics;

import java.util.List;

/**
 * Holds the metrics of one process and renders them in the Prometheus text format 0.0.4.
 *
 * <p>Thread-safe: metrics may be registered, updated and scraped from any number of threads at once.
 *
 * <p>Names: a metric name matches {@code [a-zA-Z_:][a-zA-Z0-9_:]*}; a label name matches
 * {@code [a-zA-Z_][a-zA-Z0-9_]*}, does not start with {@code __} (reserved) and is not repeated.
 * Anything else is rejected with an {@link IllegalArgumentException} whose message contains the
 * offending name.
 */
public final class MetricsRegistry {

    /** An empty registry. */
    public MetricsRegistry() {
    }

    /**
     * Registers a counter.
     *
     * @param name the metric name; a trailing {@code _total} is removed, and the exposition adds it
     *     back (so {@code requests} and {@code requests_total} name the same counter)
     * @param help the {@code # HELP} text (any characters; backslash and newline are escaped on output; if it is
     *     empty, no {@code # HELP} line is written)
     * @param labelNames the label names, possibly none
     * @return the new counter
     * @throws IllegalArgumentException for an invalid metric or label name, or a name already registered
     */
    public Counter counter(String name, String help, String... labelNames) {
        throw new UnsupportedOperationException("TODO: validate the names and register a new Counter");
    }

    /**
     * Registers a classic histogram.
     *
     * @param name the metric name
     * @param help the {@code # HELP} text
     * @param buckets the bucket upper bounds, without {@code +Inf} (always added); they must be finite,
     *     sorted in increasing order and unique, otherwise the message says "finite", "sorted" or
     *     "duplicate" and names the value. {@link Histogram#DEFAULT_BUCKETS} are the usual latency buckets.
     * @param labelNames the label names, possibly none; {@code le} is reserved
     * @return the new histogram
     * @throws IllegalArgumentException for invalid buckets, names, or a name already registered
     */
    public Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
        throw new UnsupportedOperationException("TODO: validate names and buckets and register a new Histogram");
    }

    /**
     * The whole registry in the text format 0.0.4 (see {@link TextFormat}).
     *
     * @return the exposition text, ending with a newline (or empty if there is nothing to expose)
     */
    public String scrape() {
        throw new UnsupportedOperationException("TODO: render every metric with TextFormat");
    }
}
