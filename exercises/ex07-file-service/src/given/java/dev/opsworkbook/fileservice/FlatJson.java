package dev.opsworkbook.fileservice;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The little JSON this service speaks: one flat object whose values are strings or numbers. Given, so that the
 * exercise is about files and HTTP, not about writing a JSON parser: use it, or anything else that reads and
 * writes the same JSON. Do not change this type.
 */
public final class FlatJson {

    private FlatJson() {
    }

    /**
     * Reads one JSON object whose values are strings, numbers, booleans or {@code null}, e.g.
     * {@code {"path": "reports/q3.pdf", "ttl": "PT10M"}}, into a map from key to the value's text (a string
     * unescaped, any other value as written; {@code null} is left out).
     *
     * @throws IllegalArgumentException if the text is not such an object (nested objects and arrays included)
     */
    public static Map<String, String> parseObject(String json) {
        Parser p = new Parser(json);
        Map<String, String> result = p.object();
        p.skipSpace();
        if (p.at < json.length()) {
            throw p.error("text after the object");
        }
        return result;
    }

    /** Writes a flat object: string values quoted and escaped, numbers and booleans as they are, in map order. */
    public static String object(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            quote(out, e.getKey());
            out.append(':');
            Object v = e.getValue();
            if (v instanceof Number || v instanceof Boolean) {
                out.append(v);
            } else {
                quote(out, String.valueOf(v));
            }
        }
        return out.append('}').toString();
    }

    private static void quote(StringBuilder out, String s) {
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
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static final class Parser {
        private final String s;
        private int at;

        Parser(String s) {
            this.s = s;
        }

        Map<String, String> object() {
            skipSpace();
            expect('{');
            Map<String, String> map = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                at++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                String value = value();
                if (value != null) {
                    map.put(key, value);
                }
                skipSpace();
                char c = next();
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    throw error("expected ',' or '}'");
                }
            }
        }

        @Nullable String value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            int start = at;
            while (at < s.length() && "+-.0123456789eEtruefalsn".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
            String word = s.substring(start, at);
            if (word.equals("null")) {
                return null;
            }
            if (word.equals("true") || word.equals("false") || word.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
                return word;
            }
            throw error("expected a string, number, boolean or null");
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        void skipSpace() {
            while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
        }

        char peek() {
            if (at >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(at);
        }

        char next() {
            char c = peek();
            at++;
            return c;
        }

        void expect(char c) {
            if (next() != c) {
                throw error("expected '" + c + "'");
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not a flat JSON object: " + what + " at offset " + at);
        }
    }
}
