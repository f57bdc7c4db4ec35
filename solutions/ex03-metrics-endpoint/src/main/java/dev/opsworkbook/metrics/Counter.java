package dev.opsworkbook.metrics;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A monotonic counter, optionally with labels. Created by {@link MetricsRegistry#counter}.
 *
 * <p>Exposed as {@code <name>_total}; each distinct combination of label values is one series, created on
 * first use. An unlabelled counter has its single series from the start (value {@code 0.0}); a labelled
 * counter with no series yet is not exposed at all. Thread-safe; increments are never lost, and a counter never
 * goes down, whatever the amounts.
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

    void write(Appendable out, boolean openMetrics) throws IOException {
        List<Map.Entry<List<String>, Child>> series = MetricInfo.sorted(children);
        if (series.isEmpty()) {
            return;
        }
        String name = info.name() + "_total";
        // The text format names the family after its sample; OpenMetrics names it without the _total suffix.
        TextFormat.writeHeader(out, openMetrics ? info.name() : name, info.help(), "counter", openMetrics);
        for (Map.Entry<List<String>, Child> s : series) {
            out.append(name);
            TextFormat.writeLabels(out, info.sortedLabelNames(), s.getKey(), null, null);
            out.append(' ').append(TextFormat.formatDouble(s.getValue().value())).append('\n');
        }
    }

    /** One series of a counter. */
    public static final class Child {
        private static final double MAX_EXACT = 1L << 53; // beyond this a double no longer holds every long
        private static final long FULL = 1L << 62; // the long side stops here, half-way to wrapping at 2^63
        // Adders: contended increments go to striped cells instead of retrying one CAS. Whole amounts (the usual
        // case) go to a LongAdder, exact far beyond the 2^53 where a double stops holding every whole number;
        // the rest, and every amount once the long side is full, go to a DoubleAdder, which cannot wrap.
        private final LongAdder whole = new LongAdder();
        private final DoubleAdder fraction = new DoubleAdder();
        private volatile boolean full; // whole passed FULL: a long sum would wrap negative after 2^62 more

        Child() {
        }

        /** Adds one. */
        public void inc() {
            whole.increment(); // ones alone take 2^62 calls (a century at 1 ns) to fill the long side: no check
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
            if (full || amount > MAX_EXACT || amount != Math.rint(amount)) {
                fraction.add(amount);
                return;
            }
            long n = (long) amount;
            whole.add(n);
            // The sum is a pass over the adder's cells, too dear for every call: a call checks it with probability
            // n / 2^40 (always from 2^40 on). Filling the last 2^62 before the wrap then takes millions of checks
            // on average, and the chance that none of them happens is e^-(2^22): nil.
            if ((ThreadLocalRandom.current().nextLong() >>> 24) < n && whole.sum() >= FULL) {
                full = true;
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
