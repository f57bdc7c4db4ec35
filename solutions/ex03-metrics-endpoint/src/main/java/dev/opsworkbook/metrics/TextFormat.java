package dev.opsworkbook.metrics;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
        for (Exposed metric : registry.metricsByName()) {
            metric.write(out, false);
        }
    }

    /**
     * The metadata of one metric family: {@code # HELP} then {@code # TYPE} in the text format, {@code # TYPE}
     * then {@code # HELP} in OpenMetrics, whose HELP escapes {@code "} too (its grammar has no bare quote).
     * No HELP line for an empty help text, in both, as the official writers do.
     */
    static void writeHeader(Appendable out, String name, String help, String type, boolean openMetrics)
            throws IOException {
        if (!openMetrics) {
            writeHelp(out, name, help, false);
        }
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        if (openMetrics) {
            writeHelp(out, name, help, true);
        }
    }

    private static void writeHelp(Appendable out, String name, String help, boolean escapeQuote) throws IOException {
        if (help.isEmpty()) {
            return;
        }
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(escapeQuote ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
        out.append('\n');
    }

    /** {@code {a="1",b="2"}} with an optional extra last label (the histogram's {@code le}); nothing if empty. */
    static void writeLabels(Appendable out, String[] names, List<String> values, @Nullable String extraName,
            @Nullable String extraValue)
            throws IOException {
        if (names.length == 0 && extraName == null) {
            return;
        }
        out.append('{');
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(names[i]).append("=\"");
            escapeLabelValue(out, values.get(i));
            out.append('"');
        }
        if (extraName != null) {
            if (names.length > 0) {
                out.append(',');
            }
            out.append(extraName).append("=\"").append(extraValue).append('"');
        }
        out.append('}');
    }

    private static void escapeLabelValue(Appendable out, String value) throws IOException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** Locale-independent: Double.toString never looks at the default locale, String.format does. */
    static String formatDouble(double value) {
        if (value == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        return Double.toString(value);
    }
}
