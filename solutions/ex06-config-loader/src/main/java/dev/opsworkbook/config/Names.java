package dev.opsworkbook.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Key spelling: normalized forms for matching, kebab-case for display, secret-looking names, masking. */
final class Names {

    private static final List<String> SECRET_ENDINGS = List.of("password", "passwd", "secret", "token", "key");
    /** {@code scheme://user:password@}: the password part, up to the last {@code @} before the path. */
    private static final Pattern URI_PASSWORD = Pattern.compile("(://[^/@:\\s]*:)[^/\\s]*@");

    private Names() {
    }

    /** The form names are compared in: lower case, without {@code -} and {@code _}. */
    static String normalize(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_') {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    /** {@code maxPoolSize} → {@code max-pool-size}. */
    static String kebab(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('-');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A name is secret when, normalized, it ends with a secret word (an "s" after it too) or has "credential". */
    static boolean looksSecret(String name) {
        String n = normalize(name);
        if (n.contains("credential")) {
            return true;
        }
        String singular = n.endsWith("s") ? n.substring(0, n.length() - 1) : n;
        return SECRET_ENDINGS.stream().anyMatch(w -> n.endsWith(w) || singular.endsWith(w));
    }

    /** {@code text} with the password of any {@code scheme://user:password@} replaced by {@value Secret#MASK}. */
    static String maskUriPasswords(String text) {
        return text.contains("://") ? URI_PASSWORD.matcher(text).replaceAll("$1" + Secret.MASK + "@") : text;
    }

    /** Single-character inserts, deletes and substitutions that turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Lower case, for enum constant matching. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
