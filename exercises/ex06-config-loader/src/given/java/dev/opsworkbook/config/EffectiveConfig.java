package dev.opsworkbook.config;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every key of a loaded configuration with its value (masked if secret) and its source, sorted by key: what
 * {@code --print-effective-config} prints.
 */
public record EffectiveConfig(List<ConfigEntry> entries) {

    /** Copies {@code entries}, sorted by key. */
    public EffectiveConfig {
        entries = entries.stream().sorted(Comparator.comparing(ConfigEntry::key)).toList();
    }

    /** The entry of {@code key} (canonical form, e.g. {@code server.port}), if there is one. */
    public Optional<ConfigEntry> entry(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    /**
     * Aligned text, one line per entry: the key, the value and the source in three columns separated by at least
     * two spaces; every line ends with {@code \n}.
     */
    public String render() {
        int keyWidth = entries.stream().mapToInt(e -> e.key().length()).max().orElse(0);
        int valueWidth = entries.stream().mapToInt(e -> e.value().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (ConfigEntry e : entries) {
            out.append(pad(e.key(), keyWidth)).append("  ").append(pad(e.value(), valueWidth)).append("  ")
                    .append(e.source()).append('\n');
        }
        return out.toString();
    }

    /**
     * JSON for machines: an array of {@code {"key": ..., "value": ..., "source": ...}} objects in key order, all
     * three strings, on one line.
     */
    public String toJson() {
        StringBuilder out = new StringBuilder("[");
        for (ConfigEntry e : entries) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append("{\"key\":").append(quote(e.key())).append(",\"value\":").append(quote(e.value()))
                    .append(",\"source\":").append(quote(e.source().toString())).append('}');
        }
        return out.append(']').toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
