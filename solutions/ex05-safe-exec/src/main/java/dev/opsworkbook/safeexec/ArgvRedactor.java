package dev.opsworkbook.safeexec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Masks secrets in an argv before it is logged. What is executed is never touched. */
final class ArgvRedactor {
    static final String MASK = "***";

    private static final List<String> SECRET_WORDS = List.of("password", "passwd", "pwd", "secret", "token",
            "apikey", "api_key", "api-key", "credential", "auth", "private_key", "private-key");
    // `Authorization: Basic ...`, or any header whose name looks secret (`X-Api-Key: ...`).
    private static final Pattern HEADER = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)\\s*:(.*)", Pattern.DOTALL);
    // scheme://user:password@host: the userinfo ends at the LAST '@' before the path, so a password may hold '@'.
    private static final Pattern URL_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/?#@:\\s]*:)[^/?#\\s]*@");

    private ArgvRedactor() {
    }

    static List<String> redact(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        boolean maskNext = false;
        for (String arg : argv) {
            if (maskNext) {
                out.add(MASK);                                 // the value after `--token`
                maskNext = false;
            } else if (arg.startsWith("-") && arg.indexOf('=') < 0 && isSecretName(arg)) {
                out.add(arg);                                  // `--token`, value in the next argument
                maskNext = true;
            } else {
                out.add(redactValue(arg));
            }
        }
        return List.copyOf(out);
    }

    private static String redactValue(String arg) {
        var header = HEADER.matcher(arg);
        if (header.matches() && isSecretName(header.group(1)) && isHeaderValue(header.group(1), header.group(2))) {
            return header.group(1) + ": " + MASK;
        }
        int eq = arg.indexOf('=');
        if (eq > 0) {
            String name = arg.substring(0, eq);                // `--password=x`, `-token=x`, `DB_PASSWORD=x`
            return maskUrlPasswords(name) + "=" + (isSecretName(name) ? MASK : redactValue(arg.substring(eq + 1)));
        }
        return maskUrlPasswords(arg);
    }

    /** `Name: value` has a space; without one only Authorization counts, so `oauth2-proxy:v7` stays readable. */
    private static boolean isHeaderValue(String name, String value) {
        return value.isEmpty() || Character.isWhitespace(value.charAt(0))
                || name.toLowerCase(Locale.ROOT).endsWith("authorization");
    }

    private static String maskUrlPasswords(String s) {
        return URL_PASSWORD.matcher(s).replaceAll("$1" + MASK + "@");
    }

    static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
