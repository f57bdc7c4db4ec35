package dev.opsworkbook.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the sample lines of an exposition: series (everything before the last space) to value. */
final class Exposition {
    private Exposition() {
    }

    static Map<String, String> samples(String text) {
        Map<String, String> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), line.substring(space + 1));
        }
        return samples;
    }

    /** The value of one series as a double, or NaN if the series is absent. */
    static double value(String text, String series) {
        String value = samples(text).get(series);
        return value == null ? Double.NaN : Double.parseDouble(value);
    }
}
