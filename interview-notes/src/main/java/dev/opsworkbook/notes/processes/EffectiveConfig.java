package dev.opsworkbook.notes.processes;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Q5: configuration layers, flag > env > file > default, with the effective result printed and secrets masked. */
public final class EffectiveConfig {

    /** Where a value came from: printed next to it, so "why is qps 50?" has an answer. */
    public enum Source { DEFAULT, FILE, ENV, FLAG }

    /** One resolved setting. */
    public record Setting(String value, Source source, String origin) {
    }

    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "token", "key");

    private final Map<String, Setting> settings;

    private EffectiveConfig(Map<String, Setting> settings) {
        this.settings = settings;
    }

    // @start region=resolve
    /**
     * Resolves every known key. {@code env} is injected (pass {@code System.getenv()} in production) so
     * the precedence matrix is testable; key {@code qps} is read from env var {@code APP_QPS}.
     */
    public static EffectiveConfig resolve(Map<String, String> defaults, Properties file,
                                          Map<String, String> env, Map<String, String> flags) {
        Map<String, Setting> out = new TreeMap<>();
        for (String key : defaults.keySet()) {
            String envName = "APP_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
            Setting s = new Setting(defaults.get(key), Source.DEFAULT, "built-in");
            if (file.containsKey(key)) {
                s = new Setting(file.getProperty(key), Source.FILE, "config file");
            }
            if (env.containsKey(envName)) {
                s = new Setting(env.get(envName), Source.ENV, "env " + envName);
            }
            if (flags.containsKey(key)) {
                s = new Setting(flags.get(key), Source.FLAG, "flag --" + key);
            }
            out.put(key, s);
        }
        return new EffectiveConfig(out);
    }
    // @end region=resolve

    public String get(String key) {
        Setting setting = settings.get(key);
        if (setting == null) {
            throw new IllegalArgumentException("no setting named '" + key + "'");
        }
        return setting.value();
    }

    public @Nullable Setting setting(String key) {
        return settings.get(key);
    }

    // @start region=print
    /** The effective configuration, one line per key, secrets masked: log this once at startup. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        settings.forEach((key, s) -> sb.append(key).append(" = ")
                .append(isSecret(key) ? mask(s.value()) : s.value())
                .append("  (").append(s.origin()).append(")\n"));
        return sb.toString();
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(k::contains);
    }

    static String mask(String value) {
        return value == null || value.isEmpty() ? "<empty>" : "****"; // never a prefix: short secrets leak
    }
    // @end region=print

    /** A copy of the resolved values, for code that needs the plain map. */
    public Map<String, String> values() {
        Map<String, String> m = new LinkedHashMap<>();
        settings.forEach((k, s) -> m.put(k, s.value()));
        return m;
    }
}
