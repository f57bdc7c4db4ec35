package dev.opsworkbook.metrics;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A classic Prometheus histogram, optionally with labels. Created by {@link MetricsRegistry#histogram}.
 *
 * <p>Exposed as cumulative {@code <name>_bucket{le="..."}} lines (one per bound, then {@code le="+Inf"}),
 * {@code <name>_count} and {@code <name>_sum}. Every scrape is a consistent snapshot: the {@code +Inf}
 * bucket equals {@code _count}, buckets never decrease from one bound to the next, {@code _sum} is the sum
 * of exactly the observations counted, and no count ever goes down between two scrapes. An unlabelled
 * histogram has its series from the start; a labelled one is not exposed until its first series exists.
 * Thread-safe; observations are never lost.
 */
public final class Histogram {
    /** The usual latency buckets in seconds, the same as the official client's default. */
    public static final List<Double> DEFAULT_BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    // Stripes: a power of two, about two per core, so concurrent observers rarely share a lock.
    private static final int STRIPES =
            Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1);

    private final MetricInfo info;
    private final double[] bounds;
    private final ConcurrentHashMap<List<String>, Child> children = new ConcurrentHashMap<>();
    private final @Nullable Child unlabelled; // the series of a metric without labels

    Histogram(MetricInfo info, double[] bounds) {
        this.info = info;
        this.bounds = bounds;
        this.unlabelled = info.sortedLabelNames().length == 0 ? labels() : null;
    }

    /**
     * The series for these label values (in the order the label names were registered), created on first
     * use. Keep the returned child on hot paths.
     *
     * @param labelValues one non-null value per label name
     * @return the series
     * @throws IllegalArgumentException if the number of values is wrong or a value is null
     */
    public Child labels(String... labelValues) {
        return MetricInfo.child(children, info.key(labelValues), k -> new Child(bounds));
    }

    /**
     * Records one observation in an unlabelled histogram. {@code NaN} is ignored.
     *
     * @param value the observed value (seconds, bytes...)
     * @throws IllegalStateException if the histogram has labels (use {@link #labels})
     */
    public void observe(double value) {
        if (unlabelled == null) {
            throw new IllegalStateException("histogram " + info.name() + " has labels: call labels(...) first");
        }
        unlabelled.observe(value);
    }

    void write(Appendable out, boolean openMetrics) throws IOException {
        List<Map.Entry<List<String>, Child>> series = MetricInfo.sorted(children);
        if (series.isEmpty()) {
            return;
        }
        String name = info.name();
        String[] labelNames = info.sortedLabelNames();
        TextFormat.writeHeader(out, name, info.help(), "histogram", openMetrics);
        for (Map.Entry<List<String>, Child> s : series) {
            long[] counts = new long[bounds.length + 1];
            double sum = s.getValue().snapshot(counts);
            long cumulative = 0;
            for (int i = 0; i < counts.length; i++) {
                cumulative += counts[i];
                String le = i < bounds.length ? TextFormat.formatDouble(bounds[i]) : "+Inf";
                out.append(name).append("_bucket");
                TextFormat.writeLabels(out, labelNames, s.getKey(), "le", le);
                out.append(' ').append(Long.toString(cumulative)).append('\n');
            }
            // _count is the +Inf bucket by construction: there is no separate counter to drift from it.
            out.append(name).append("_count");
            TextFormat.writeLabels(out, labelNames, s.getKey(), null, null);
            out.append(' ').append(Long.toString(cumulative)).append('\n');
            out.append(name).append("_sum");
            TextFormat.writeLabels(out, labelNames, s.getKey(), null, null);
            out.append(' ').append(TextFormat.formatDouble(sum)).append('\n');
        }
    }

    /** One series of a histogram. */
    public static final class Child {
        private static final int PAD = 8; // 64 bytes between stripes' hot words: no false sharing

        private final double[] bounds;
        private final int sumIndex;
        /**
         * Per stripe: non-cumulative bucket counts (the last is +Inf), then the sum as raw double bits.
         * Each stripe is its own lock, so one observation updates its bucket and the sum atomically and a
         * scrape reads a state where they agree.
         */
        private final long[][] stripes;

        Child(double[] bounds) {
            this.bounds = bounds;
            this.sumIndex = bounds.length + 1;
            this.stripes = new long[STRIPES][sumIndex + 1 + PAD];
        }

        /**
         * Records one observation: it falls in the first bucket whose bound is {@code >= value}.
         * {@code NaN} is ignored, as in the official client.
         *
         * @param value the observed value
         */
        public void observe(double value) {
            if (Double.isNaN(value)) {
                return;
            }
            int bucket = bucketOf(value);
            long[] stripe = stripes[(int) Thread.currentThread().threadId() & (STRIPES - 1)];
            synchronized (stripe) {
                stripe[bucket]++;
                stripe[sumIndex] = Double.doubleToRawLongBits(Double.longBitsToDouble(stripe[sumIndex]) + value);
            }
        }

        private int bucketOf(double value) {
            double[] b = bounds;
            int i = 0;
            while (i < b.length && value > b[i]) { // le is inclusive: value == bound counts in that bucket
                i++;
            }
            return i;
        }

        /** Adds the non-cumulative counts into {@code counts} and returns the sum, one stripe at a time. */
        double snapshot(long[] counts) {
            double sum = 0;
            for (long[] stripe : stripes) {
                synchronized (stripe) {
                    for (int i = 0; i < counts.length; i++) {
                        counts[i] += stripe[i];
                    }
                    sum += Double.longBitsToDouble(stripe[sumIndex]);
                }
            }
            return sum;
        }
    }
}
