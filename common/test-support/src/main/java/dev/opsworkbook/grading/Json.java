package dev.opsworkbook.grading;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The little JSON the kit needs, and the one place where JSON meets the kit's types: the grading report
 * ({@link Results}) both ways, and JMH's results. No dependency, so nothing can clash with an exercise's own
 * Jackson. Untyped values are {@code Map<String,Object>} in insertion order, arrays {@code List<Object>},
 * numbers {@link Long} or {@link Double}.
 */
public final class Json {
    private Json() {
    }

    // ---- the grading report ----

    /** {@code results.json} of one exercise, as written by the listener. */
    public static String write(Results.Exercise exercise) {
        return write(map(exercise));
    }

    /** The combined {@code report.json}. */
    public static String write(Results.Report report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", report.version());
        m.put("graded", report.graded());
        m.put("task", report.task());
        m.put("score", report.score());
        m.put("max_score", report.maxScore());
        m.put("exercises", report.exercises().stream().map(Json::map).toList());
        return write(m);
    }

    /** Reads a {@code results.json}; missing fields take their defaults (null, 0, false). */
    public static Results.Exercise readExercise(String text) {
        return exercise(object(parse(text), "results"));
    }

    /** Reads a combined {@code report.json}. */
    public static Results.Report readReport(String text) {
        Map<String, Object> m = object(parse(text), "report");
        return new Results.Report(integer(m.get("version")), text(m.get("graded"), "graded"),
                m.get("task") == null ? null : integer(m.get("task")), number(m.get("score")),
                number(m.get("max_score")), objects(m.get("exercises")).stream().map(Json::exercise).toList());
    }

    private static Map<String, Object> map(Results.Exercise e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", e.version());
        m.put("slug", e.slug());
        m.put("status", e.status());
        m.put("message", e.message());
        m.put("score", e.score());
        m.put("max_score", e.maxScore());
        m.put("tests", e.tests().stream().map(Json::map).toList());
        if (!e.flags().isEmpty()) {
            m.put("flags", e.flags());
        }
        if (!e.advice().isEmpty()) {
            m.put("advice", e.advice());
        }
        return m;
    }

    private static Map<String, Object> map(Results.Test t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("status", t.status());
        m.put("message", t.message());
        m.put("output", t.output());
        m.put("task_id", t.taskId());
        m.put("points", t.points());
        m.put("max_points", t.maxPoints());
        m.put("duration_ms", t.durationMs());
        m.put("hint", t.hint());
        m.put("not_implemented", t.notImplemented());
        return m;
    }

    private static Results.Exercise exercise(Map<String, Object> m) {
        return new Results.Exercise(integer(m.get("version")), text(m.get("slug"), "slug"),
                text(m.get("status"), "status"),
                string(m.get("message")), number(m.get("score")), number(m.get("max_score")),
                objects(m.get("tests")).stream().map(Json::test).toList(),
                strings(m.get("flags")), strings(m.get("advice")));
    }

    private static Results.Test test(Map<String, Object> m) {
        return new Results.Test(text(m.get("name"), "a test's name"), text(m.get("status"), "a test's status"),
                string(m.get("message")),
                string(m.get("output")), m.get("task_id") == null ? null : integer(m.get("task_id")),
                integer(m.get("points")), integer(m.get("max_points")), number(m.get("duration_ms")),
                string(m.get("hint")), Boolean.TRUE.equals(m.get("not_implemented")));
    }

    // ---- JMH's results ----

    /** One benchmark of a JMH JSON result file; {@code p50} is NaN unless the mode is SampleTime. */
    public record JmhResult(String benchmark, String mode, Map<String, String> params, double score, double error,
                            String unit, double p50) {
    }

    /** Reads the file JMH writes with {@code -rf json}. */
    public static List<JmhResult> readJmh(String text) {
        List<JmhResult> results = new ArrayList<>();
        for (Object o : list(parse(text), "JMH results")) {
            Map<String, Object> b = object(o, "a benchmark");
            Map<String, String> params = new TreeMap<>();
            if (b.get("params") != null) {
                object(b.get("params"), "params").forEach((k, v) -> params.put(k, String.valueOf(v)));
            }
            Map<String, Object> metric = object(b.get("primaryMetric"), "primaryMetric");
            double p50 = "sample".equals(b.get("mode")) && metric.get("scorePercentiles") instanceof Map<?, ?> p
                    ? decimal(p.get("50.0")) : Double.NaN;
            results.add(new JmhResult(text(b.get("benchmark"), "benchmark"), text(b.get("mode"), "mode"), params,
                    decimal(metric.get("score")), decimal(metric.get("scoreError")),
                    text(metric.get("scoreUnit"), "scoreUnit"), p50));
        }
        return results;
    }

    // ---- untyped values to typed ones ----

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(@Nullable Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(what + " must be a JSON object, was " + value);
    }

    private static List<?> list(@Nullable Object value, String what) {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(what + " must be a JSON array, was " + value);
    }

    private static List<Map<String, Object>> objects(@Nullable Object value) {
        return value == null ? List.of() : list(value, "a list").stream().map(o -> object(o, "an entry")).toList();
    }

    private static List<String> strings(@Nullable Object value) {
        return value == null ? List.of() : list(value, "a list").stream().map(String::valueOf).toList();
    }

    private static @Nullable String string(@Nullable Object value) {
        return value == null ? null : value.toString();
    }

    private static String text(@Nullable Object value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        return value.toString();
    }

    private static long number(@Nullable Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static int integer(@Nullable Object value) {
        return Math.toIntExact(number(value));
    }

    private static double decimal(@Nullable Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    // ---- JSON text ----

    /** Pretty-prints {@code value} with two-space indentation and a trailing newline. */
    public static String write(@Nullable Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.append('\n').toString();
    }

    private static void write(@Nullable Object value, StringBuilder out, int indent) {
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(s, out);
            case Boolean b -> out.append(b);
            case Double d when d.isNaN() || d.isInfinite() -> out.append("null");
            case Float f when f.isNaN() || f.isInfinite() -> out.append("null");
            case Number n -> out.append(n);
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append("  ".repeat(indent + 1));
                    quote(String.valueOf(e.getKey()), out);
                    out.append(": ");
                    write(e.getValue(), out, indent + 1);
                    out.append(++i < map.size() ? ",\n" : "\n");
                }
                out.append("  ".repeat(indent)).append('}');
            }
            case List<?> list -> {
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append("[\n");
                for (int i = 0; i < list.size(); i++) {
                    out.append("  ".repeat(indent + 1));
                    write(list.get(i), out, indent + 1);
                    out.append(i + 1 < list.size() ? ",\n" : "\n");
                }
                out.append("  ".repeat(indent)).append(']');
            }
            default -> quote(value.toString(), out);
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Parses a JSON text; throws {@link IllegalArgumentException} with the offset on bad input. */
    public static @Nullable Object parse(String text) {
        Parser p = new Parser(text);
        p.skipSpace();
        Object value = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("trailing characters");
        }
        return value;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        @Nullable Object value() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", true);
                case 'f' -> literal("false", false);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                map.put(key, value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            skipSpace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        Object number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            String n = s.substring(start, pos);
            if (n.isEmpty()) {
                throw error("unexpected character '" + s.charAt(start) + "'");
            }
            // JMH writes "NaN" as a string, so plain numbers are enough here.
            BigDecimal d = new BigDecimal(n);
            if (n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0) {
                return d.longValueExact();
            }
            return d.doubleValue();
        }

        @Nullable Object literal(String word, @Nullable Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
            return value;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
        }
    }
}
