package dev.opsworkbook.metrics;

import java.util.List;

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

    Histogram() {
        // Yours to shape: MetricsRegistry creates histograms, so this constructor may take what you need.
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
        throw new UnsupportedOperationException("TODO: find or create the series for these label values");
    }

    /**
     * Records one observation in an unlabelled histogram. {@code NaN} is ignored.
     *
     * @param value the observed value (seconds, bytes...)
     * @throws IllegalStateException if the histogram has labels (use {@link #labels})
     */
    public void observe(double value) {
        throw new UnsupportedOperationException("TODO: observe into the unlabelled series");
    }

    /** One series of a histogram. */
    public static final class Child {

        Child() {
        }

        /**
         * Records one observation: it falls in the first bucket whose bound is {@code >= value}.
         * {@code NaN} is ignored, as in the official client.
         *
         * @param value the observed value
         */
        public void observe(double value) {
            throw new UnsupportedOperationException("TODO: count the observation in its bucket and add it to the sum");
        }
    }
}
