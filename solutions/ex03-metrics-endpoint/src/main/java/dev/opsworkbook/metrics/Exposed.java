package dev.opsworkbook.metrics;

import java.io.IOException;

/** A registered metric as the writer sees it (kept out of the public API of Counter and Histogram). */
interface Exposed {
    /**
     * Appends the metric's lines in the text format, or nothing if it has no series yet.
     *
     * @param out where to write
     * @throws IOException if {@code out} fails
     */
    void write(Appendable out) throws IOException;
}
