package dev.opsworkbook.metrics;

/**
 * A monotonic counter, optionally with labels. Created by {@link MetricsRegistry#counter}.
 *
 * <p>Exposed as {@code <name>_total}; each distinct combination of label values is one series, created on
 * first use. An unlabelled counter has its single series from the start (value {@code 0.0}); a labelled
 * counter with no series yet is not exposed at all. Thread-safe; increments are never lost, and a counter never
 * goes down, whatever the amounts.
 */
public final class Counter {

    Counter() {
        // Yours to shape: MetricsRegistry creates counters, so this constructor may take what you need.
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
        throw new UnsupportedOperationException("TODO: find or create the series for these label values");
    }

    /**
     * Adds one to an unlabelled counter.
     *
     * @throws IllegalStateException if the counter has labels (use {@link #labels})
     */
    public void inc() {
        throw new UnsupportedOperationException("TODO: increment the unlabelled series");
    }

    /**
     * Adds {@code amount} to an unlabelled counter.
     *
     * @param amount a finite value, {@code >= 0}
     * @throws IllegalArgumentException if {@code amount} is negative or not finite
     * @throws IllegalStateException if the counter has labels
     */
    public void inc(double amount) {
        throw new UnsupportedOperationException("TODO: add to the unlabelled series");
    }

    /**
     * The value of an unlabelled counter.
     *
     * @return the sum of all increments
     * @throws IllegalStateException if the counter has labels
     */
    public double value() {
        throw new UnsupportedOperationException("TODO: read the unlabelled series");
    }

    /** One series of a counter. */
    public static final class Child {

        Child() {
        }

        /** Adds one. */
        public void inc() {
            throw new UnsupportedOperationException("TODO: add one, thread-safely");
        }

        /**
         * Adds {@code amount}.
         *
         * @param amount a finite value, {@code >= 0}
         * @throws IllegalArgumentException if {@code amount} is negative or not finite (a counter only goes up)
         */
        public void inc(double amount) {
            throw new UnsupportedOperationException("TODO: validate and add, thread-safely");
        }

        /**
         * The current value.
         *
         * @return the sum of all increments so far
         */
        public double value() {
            throw new UnsupportedOperationException("TODO: return the current value");
        }
    }
}
