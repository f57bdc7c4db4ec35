package dev.opsworkbook.metrics;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

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
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final ConcurrentHashMap<String, Exposed> metrics = new ConcurrentHashMap<>();

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
        String base = name != null && name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
        Counter counter = new Counter(new MetricInfo(checkName(base), checkHelp(help), checkLabels(labelNames, false)));
        register(base, counter::write);
        return counter;
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
        Histogram histogram = new Histogram(new MetricInfo(checkName(name), checkHelp(help),
                checkLabels(labelNames, true)), checkBuckets(buckets));
        register(name, histogram::write);
        return histogram;
    }

    /**
     * The whole registry in the text format 0.0.4 (see {@link TextFormat}).
     *
     * @return the exposition text, ending with a newline (or empty if there is nothing to expose)
     */
    public String scrape() {
        StringWriter out = new StringWriter(4096);
        try {
            TextFormat.write(this, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not throw
        }
        return out.toString();
    }

    /** The registered metrics sorted by name: the order of the official client's exposition. */
    List<Exposed> metricsByName() {
        return metrics.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
    }

    private void register(String name, Exposed metric) {
        if (metrics.putIfAbsent(name, metric) != null) {
            throw new IllegalArgumentException("metric " + name + " is already registered");
        }
    }

    private static String checkName(String name) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name: " + name);
        }
        return name;
    }

    private static String checkHelp(String help) {
        if (help == null) {
            throw new IllegalArgumentException("help must not be null");
        }
        return help;
    }

    private static String[] checkLabels(String[] labelNames, boolean histogram) {
        if (labelNames == null) {
            throw new IllegalArgumentException("labelNames must not be null");
        }
        String[] copy = labelNames.clone();
        for (int i = 0; i < copy.length; i++) {
            String label = copy[i];
            if (label == null || !LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException("invalid label name: " + label);
            }
            if (histogram && label.equals("le")) {
                throw new IllegalArgumentException("label name le is reserved for histogram buckets");
            }
            for (int j = 0; j < i; j++) {
                if (copy[j].equals(label)) {
                    throw new IllegalArgumentException("duplicate label name: " + label);
                }
            }
        }
        return copy;
    }

    private static double[] checkBuckets(List<Double> buckets) {
        if (buckets == null) {
            throw new IllegalArgumentException("buckets must not be null");
        }
        double[] bounds = new double[buckets.size()];
        for (int i = 0; i < bounds.length; i++) {
            Double bound = buckets.get(i);
            if (bound == null || !Double.isFinite(bound)) {
                throw new IllegalArgumentException("bucket bounds must be finite (+Inf is implicit): " + bound);
            }
            bounds[i] = bound;
            if (i > 0 && bounds[i] == bounds[i - 1]) {
                throw new IllegalArgumentException("duplicate bucket bound: " + bound);
            }
            if (i > 0 && bounds[i] < bounds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must be sorted in increasing order: " + bound
                        + " after " + bounds[i - 1]);
            }
        }
        return bounds;
    }
}
