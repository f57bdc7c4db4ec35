package dev.opsworkbook.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text to typed values, by the target type alone: YAML's own typing of the scalar is ignored (no Norway problem). */
final class Values {

    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private Values() {
    }

    /** Thrown with what was expected, e.g. "expected an integer". */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String expected) {
            super(expected, null, false, false); // no stack trace: a bad value is an answer, not a crash
        }
    }

    static Object convert(String text, Class<?> type) throws BadValue {
        if (type == String.class) {
            return text;
        }
        if (type == Secret.class) {
            return Secret.of(text);
        }
        String t = text.strip();
        if (type == int.class || type == Integer.class) {
            try {
                if (isInteger(t)) {
                    return Integer.parseInt(t);
                }
            } catch (NumberFormatException e) {
                throw new BadValue("expected an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
            }
            throw new BadValue("expected an integer");
        }
        if (type == long.class || type == Long.class) {
            try {
                if (isInteger(t)) {
                    return Long.parseLong(t);
                }
            } catch (NumberFormatException e) {
                throw new BadValue("expected an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
            }
            throw new BadValue("expected an integer");
        }
        if (type == double.class || type == Double.class) {
            if (NUMBER.matcher(t).matches()) {
                return Double.parseDouble(t);
            }
            throw new BadValue("expected a number");
        }
        if (type == boolean.class || type == Boolean.class) {
            return switch (t.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new BadValue("expected a boolean (true/false, yes/no, on/off)");
            };
        }
        if (type == Duration.class) {
            return duration(t);
        }
        if (type == Path.class) {
            try {
                return Path.of(t);
            } catch (InvalidPathException e) {
                throw new BadValue("expected a path");
            }
        }
        if (type == URI.class) {
            try {
                return new URI(t);
            } catch (URISyntaxException e) {
                throw new BadValue("expected a URI");
            }
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equalsIgnoreCase(t)) {
                    return constant;
                }
            }
            throw new BadValue("expected one of " + Arrays.toString(type.getEnumConstants()));
        }
        throw new IllegalStateException("no converter for " + type); // Schema admits only the types above
    }

    /** An optional sign and ASCII digits: parseInt alone would also take other scripts' digits. */
    private static boolean isInteger(String t) {
        int start = t.startsWith("-") || t.startsWith("+") ? 1 : 0;
        if (t.length() == start) {
            return false;
        }
        for (int i = start; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static Duration duration(String t) throws BadValue {
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new BadValue("expected a duration such as 30s, 500ms, 2m or PT30S");
        }
    }

    /** What the effective config and the messages show for a bound value. */
    static String display(@org.jspecify.annotations.Nullable Object value, boolean secret) {
        if (value == null) {
            return "null";
        }
        if (secret || value instanceof Secret) {
            return Secret.MASK;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> display(v, false)).toList().toString();
        }
        return Names.maskUriPasswords(String.valueOf(value));
    }

    /** What the messages show for a raw text that could not be bound. */
    static String displayRaw(String text, boolean secret) {
        return secret ? Secret.MASK : Names.maskUriPasswords(text);
    }
}
