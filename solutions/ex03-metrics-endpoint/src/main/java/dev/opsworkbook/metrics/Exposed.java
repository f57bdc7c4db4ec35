package dev.opsworkbook.metrics;

import java.io.IOException;

/** A registered metric as the writer sees it (kept out of the public API of Counter and Histogram). */
interface Exposed {
    /**
     * Appends the metric's lines, or nothing if it has no series yet.
     *
     * @param out where to write
     * @param openMetrics OpenMetrics 1.0.0 rather than the text format 0.0.4 (they differ only in the metadata)
     * @throws IOException if {@code out} fails
     */
    void write(Appendable out, boolean openMetrics) throws IOException;
}
