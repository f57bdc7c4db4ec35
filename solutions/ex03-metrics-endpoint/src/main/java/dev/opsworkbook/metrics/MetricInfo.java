package dev.opsworkbook.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.IntStream;

/** What counters and histograms share: name, help, label names, and how label values become a child key. */
final class MetricInfo {
    private static final Comparator<List<String>> BY_VALUES = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    private final String name;
    private final String help;
    private final String[] labelNames;
    /** Positions of the label names in name order: the exposition writes labels sorted by name. */
    private final int[] sortedOrder;
    private final String[] sortedNames;

    MetricInfo(String name, String help, String[] labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = labelNames;
        this.sortedOrder = IntStream.range(0, labelNames.length).boxed()
                .sorted(Comparator.comparing(i -> labelNames[i])).mapToInt(Integer::intValue).toArray();
        this.sortedNames = Arrays.stream(sortedOrder).mapToObj(i -> labelNames[i]).toArray(String[]::new);
    }

    String name() {
        return name;
    }

    String help() {
        return help;
    }

    String[] sortedLabelNames() {
        return sortedNames;
    }

    /** Validates label values and returns them as an immutable key (a List compares by content). */
    List<String> key(String[] labelValues) {
        if (labelValues == null || labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + " expects " + labelNames.length + " label value(s) "
                    + Arrays.toString(labelNames) + ", got " + (labelValues == null ? "null" : labelValues.length));
        }
        String[] sorted = new String[labelValues.length];
        for (int i = 0; i < sorted.length; i++) {
            String value = labelValues[sortedOrder[i]];
            if (value == null) {
                throw new IllegalArgumentException("label " + sortedNames[i] + " of " + name + " is null");
            }
            sorted[i] = value;
        }
        return List.of(sorted); // in name order, so the exposition and its sort need no remapping
    }

    /** One child per distinct label values; computeIfAbsent so racing first uses share one child. */
    static <C> C child(ConcurrentHashMap<List<String>, C> children, List<String> key, Function<List<String>, C> make) {
        C child = children.get(key); // fast path without locking the bin
        return child != null ? child : children.computeIfAbsent(key, make);
    }

    static <C> List<Map.Entry<List<String>, C>> sorted(Map<List<String>, C> children) {
        return children.entrySet().stream().sorted(Map.Entry.comparingByKey(BY_VALUES)).toList();
    }
}
