package dev.opsworkbook.metrics;

import java.io.IOException;
import java.io.Writer;

/**
 * The OpenMetrics text format, version 1.0.0, byte for byte as the official Java client
 * ({@code OpenMetricsTextFormatWriter}, without {@code _created} lines) writes it. It is the text format 0.0.4
 * (see {@link TextFormat}: the same order, samples, labels, escaping of label values and numbers) except for:
 *
 * <ul>
 *   <li>{@code # TYPE} comes first, then {@code # HELP} (none for an empty help text), whose text escapes
 *       {@code "} as well as backslash and newline;</li>
 *   <li>a counter's family is named without {@code _total} ({@code # TYPE jobs counter}) while its samples keep
 *       it ({@code jobs_total 3.0});</li>
 *   <li>the exposition ends with the line {@code # EOF}, even when there is nothing else to write.</li>
 * </ul>
 */
public final class OpenMetricsFormat {
    /** The {@code Content-Type} of an OpenMetrics scrape response. */
    public static final String CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private OpenMetricsFormat() {
    }

    /**
     * Writes every metric of the registry, then {@code # EOF}.
     *
     * @param registry the metrics to write
     * @param out where to write (encode it as UTF-8 if it is bytes)
     * @throws IOException if {@code out} fails
     */
    public static void write(MetricsRegistry registry, Writer out) throws IOException {
        throw new UnsupportedOperationException("TODO: write every metric (TYPE, HELP, its series), then # EOF");
    }
}
