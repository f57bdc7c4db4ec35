package dev.opsworkbook.health;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The effective configuration as {@code /config} shows it: every key, secrets masked by name and in URIs. */
final class ConfigMasking {

    static final String MASK = "***";
    private static final Pattern SECRET_NAME = Pattern.compile(".*(password|passwd|secret|token|key)s?|.*credential.*");
    /** {@code scheme://user:password@host...}: the password is whatever lies between the user's colon and the @. */
    private static final Pattern URI_PASSWORD = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:)[^@/]*(@.*)$");

    private ConfigMasking() {
    }

    static Map<String, String> masked(Map<String, String> config) {
        Map<String, String> shown = new TreeMap<>();
        config.forEach((key, value) -> shown.put(key, mask(key, value)));
        return shown;
    }

    static String mask(String key, String value) {
        String normalized = key.toLowerCase(Locale.ROOT).replaceAll("[-_.]", "");
        if (SECRET_NAME.matcher(normalized).matches()) {
            return MASK;
        }
        return URI_PASSWORD.matcher(value).replaceFirst("$1" + MASK + "$2");
    }
}
