package dev.opsworkbook.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The words a test may require in a message, matched the way a person reads them: a README that promises "the
 * message names the setting {@code queueCapacity}" is kept by {@code "queueCapacity must be > 0"}, by
 * {@code "queue capacity must be positive"} and by {@code "QUEUE_CAPACITY=-5"} alike. Case and the separators
 * between two words (spaces, hyphens, underscores, dots between letters) are ignored; everything else, signs and
 * brackets included, must be there.
 */
public final class Wording {

    private Wording() {
    }

    /** Whether {@code text} names {@code name}, ignoring case and word separators. */
    public static boolean names(@Nullable String text, String name) {
        return text != null && squash(text).contains(squash(name));
    }

    /**
     * Fails with an {@link AssertionError} unless {@code text} names every one of {@code names}; {@code what}
     * says whose text it is (e.g. "the message of the IllegalArgumentException for 0 workers").
     */
    public static void assertNames(@Nullable String text, String what, String... names) {
        List<String> missing = Arrays.stream(names).filter(name -> !names(text, name)).toList();
        if (!missing.isEmpty()) {
            throw new AssertionError(what + " should name " + String.join(" and ", missing.stream()
                    .map(n -> "'" + n + "'").toList()) + " (in any case or spacing), but it was: "
                    + (text == null ? "null" : "\"" + text + "\""));
        }
    }

    private static String squash(String s) {
        // Only separators between two letters: "-5" stays a negative number.
        return s.toLowerCase(Locale.ROOT).replaceAll("(?<=\\p{L})[\\s_.\\-]+(?=\\p{L})", "");
    }
}
