package dev.opsworkbook.metrics;

import java.io.IOException;
import java.io.Writer;

/**
 * The Prometheus text exposition format, version 0.0.4, byte for byte as the official Java client
 * ({@code PrometheusTextFormatWriter}, without {@code _created} lines) writes it:
 *
 * <ul>
 *   <li>metrics sorted by name (a counter by its name without {@code _total}); for each, {@code # HELP}
 *       (backslash and newline escaped; no {@code # HELP} line if the help text is empty), {@code # TYPE}, then
 *       its series sorted by label values;</li>
 *   <li>labels sorted by name, values escaped ({@code \\}, {@code \"}, {@code \n}), any other character,
 *       Unicode included, written as is (the output is UTF-8);</li>
 *   <li>doubles as {@link Double#toString(double)} ({@code 1.0}, {@code 0.005}, {@code 1.0E-4}), infinities
 *       as {@code +Inf}/{@code -Inf}: never through the default locale;</li>
 *   <li>every line, the last one included, ends with {@code \n}.</li>
 * </ul>
 */
public final class TextFormat {
    /** The {@code Content-Type} of a scrape response. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private TextFormat() {
    }

    /**
     * Writes every metric of the registry.
     *
     * @param registry the metrics to write
     * @param out where to write (encode it as UTF-8 if it is bytes)
     * @throws IOException if {@code out} fails
     */
    public static void write(MetricsRegistry registry, Writer out) throws IOException {
        throw new UnsupportedOperationException("TODO: write every metric: HELP, TYPE, then its series");
    }
}
