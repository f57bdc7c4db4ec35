package dev.opsworkbook.metrics;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A monotonic counter, optionally with labels. Created by {@link MetricsRegistry#counter}.
 *
 * <p>Exposed as {@code <name>_total}; each distinct combination of label values is one series, created on
 * first use. An unlabelled counter has its single series from the start (value {@code 0.0}); a labelled
 * counter with no series yet is not exposed at all. Thread-safe; increments are never lost.
 */
public final class Counter {
    private final MetricInfo info;
    private final ConcurrentHashMap<List<String>, Child> children = new ConcurrentHashMap<>();
    private final @Nullable Child unlabelled; // the series of a metric without labels

    Counter(MetricInfo info) {
        this.info = info;
        this.unlabelled = info.sortedLabelNames().length == 0 ? labels() : null;
    }

    /**
     * The series for these label values (in the order the label names were registered), created on
     * first use. Keep the returned child on hot paths: the lookup costs more than the increment.
     *
     * @param labelValues one non-null value per label name
     * @return the series
     * @throws IllegalArgumentException if the number of values is wrong or a value is null
     */
    public Child labels(String... labelValues) {
        return MetricInfo.child(children, info.key(labelValues), k -> new Child());
    }

    /**
     * Adds one to an unlabelled counter.
     *
     * @throws IllegalStateException if the counter has labels (use {@link #labels})
     */
    public void inc() {
        noLabels().inc();
    }

    /**
     * Adds {@code amount} to an unlabelled counter.
     *
     * @param amount a finite value, {@code >= 0}
     * @throws IllegalArgumentException if {@code amount} is negative or not finite
     * @throws IllegalStateException if the counter has labels
     */
    public void inc(double amount) {
        noLabels().inc(amount);
    }

    /**
     * The value of an unlabelled counter.
     *
     * @return the sum of all increments
     * @throws IllegalStateException if the counter has labels
     */
    public double value() {
        return noLabels().value();
    }

    private Child noLabels() {
        if (unlabelled == null) {
            throw new IllegalStateException("counter " + info.name() + " has labels: call labels(...) first");
        }
        return unlabelled;
    }

    void write(Appendable out) throws IOException {
        List<Map.Entry<List<String>, Child>> series = MetricInfo.sorted(children);
        if (series.isEmpty()) {
            return;
        }
        String name = info.name() + "_total";
        TextFormat.writeHeader(out, name, info.help(), "counter");
        for (Map.Entry<List<String>, Child> s : series) {
            out.append(name);
            TextFormat.writeLabels(out, info.sortedLabelNames(), s.getKey(), null, null);
            out.append(' ').append(TextFormat.formatDouble(s.getValue().value())).append('\n');
        }
    }

    /** One series of a counter. */
    public static final class Child {
        private static final double MAX_EXACT = 1L << 53; // beyond this a double no longer holds every long
        // Adders: contended increments go to striped cells instead of retrying one CAS. Whole amounts (the
        // usual case) go to a LongAdder, whose cells add with one atomic instruction and stay exact.
        private final LongAdder whole = new LongAdder();
        private final DoubleAdder fraction = new DoubleAdder();

        Child() {
        }

        /** Adds one. */
        public void inc() {
            whole.increment();
        }

        /**
         * Adds {@code amount}.
         *
         * @param amount a finite value, {@code >= 0}
         * @throws IllegalArgumentException if {@code amount} is negative or not finite (a counter only goes up)
         */
        public void inc(double amount) {
            if (!(amount >= 0) || amount == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("a counter only goes up: cannot add " + amount);
            }
            if (amount <= MAX_EXACT && amount == Math.rint(amount)) {
                whole.add((long) amount);
            } else {
                fraction.add(amount);
            }
        }

        /**
         * The current value.
         *
         * @return the sum of all increments so far
         */
        public double value() {
            return whole.sum() + fraction.sum();
        }
    }
}
