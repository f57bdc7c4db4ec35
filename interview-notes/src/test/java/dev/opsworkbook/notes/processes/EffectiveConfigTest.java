package dev.opsworkbook.notes.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Q5: config precedence flag > env > file > default")
class EffectiveConfigTest {

    static final Map<String, String> DEFAULTS = Map.of("qps", "100", "db.password", "changeme");

    @ParameterizedTest(name = "file={0} env={1} flag={2} -> {3} from {4}")
    @CsvSource(nullValues = "-", value = {
            "-,  -,  -,  100, DEFAULT",
            "10, -,  -,  10,  FILE",
            "-,  20, -,  20,  ENV",
            "10, 20, -,  20,  ENV",
            "-,  -,  30, 30,  FLAG",
            "10, -,  30, 30,  FLAG",
            "-,  20, 30, 30,  FLAG",
            "10, 20, 30, 30,  FLAG"})
    @DisplayName("the precedence matrix: every combination of layers")
    void precedenceMatrix(String file, String env, String flag, String expected, EffectiveConfig.Source source) {
        Properties props = new Properties();
        Map<String, String> envMap = new HashMap<>();
        Map<String, String> flags = new HashMap<>();
        if (file != null) {
            props.setProperty("qps", file);
        }
        if (env != null) {
            envMap.put("APP_QPS", env);
        }
        if (flag != null) {
            flags.put("qps", flag);
        }
        EffectiveConfig cfg = EffectiveConfig.resolve(DEFAULTS, props, envMap, flags);
        assertThat(cfg.get("qps")).isEqualTo(expected);
        assertThat(cfg.setting("qps").source()).isEqualTo(source);
    }

    @Test
    @DisplayName("prints the effective configuration with origins, and masks secrets")
    void describeMasksSecrets() {
        Properties props = new Properties();
        props.setProperty("qps", "10");
        EffectiveConfig cfg = EffectiveConfig.resolve(DEFAULTS, props,
                Map.of("APP_DB_PASSWORD", "hunter2", "PATH", "/usr/bin"), Map.of());
        assertThat(cfg.describe()).isEqualTo("""
                db.password = ****  (env APP_DB_PASSWORD)
                qps = 10  (config file)
                """);
        assertThat(cfg.describe()).doesNotContain("hunter2");
        assertThat(cfg.get("db.password")).isEqualTo("hunter2");
    }

    @Test
    @DisplayName("ignores environment variables that are not known keys")
    void unknownEnvIgnored() {
        EffectiveConfig cfg = EffectiveConfig.resolve(DEFAULTS, new Properties(), Map.of("APP_DEBUG", "1"), Map.of());
        assertThat(cfg.values()).containsOnlyKeys("qps", "db.password");
    }
}
