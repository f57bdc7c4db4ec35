package dev.opsworkbook.notes.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Q17: records with invariants, and Bean Validation messages")
class ServiceConfigTest {

    static ServiceConfig.Settings settings(String name, int qps, List<String> upstreams) {
        return new ServiceConfig.Settings(name, qps, upstreams, Duration.ofSeconds(2));
    }

    @Test
    @DisplayName("a valid config has no violations")
    void valid() {
        assertThat(ServiceConfig.violations(settings("probe-1", 100, List.of("https://a.example")))).isEmpty();
    }

    @Test
    @DisplayName("reports every violation at once, each with its field and a message that shows the bad value")
    void everyViolationMessage() {
        assertThat(ServiceConfig.violations(settings("Probe_1", 0, List.of("ftp://x", "https://ok")))).containsExactly(
                "name: name 'Probe_1' must be a DNS label",
                "qps: qps must be at least 1, got 0",
                "upstreams[0].<list element>: upstream 'ftp://x' is not an http(s) URL");
        assertThat(ServiceConfig.violations(settings(" ", 20_000, List.of()))).containsExactly(
                "name: name ' ' must be a DNS label",
                "name: name must not be blank",
                "qps: qps must be at most 10000, got 20000",
                "upstreams: at least one upstream is required");
        assertThat(ServiceConfig.violations(settings(null, 1, null))).containsExactly(
                "name: name must not be blank",
                "upstreams: at least one upstream is required");
    }

    @Test
    @DisplayName("the compact constructor enforces invariants no validator can skip")
    void invariants() {
        assertThatThrownBy(() -> new ServiceConfig.Settings("a", 1, List.of(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("timeout");
        assertThatThrownBy(() -> new ServiceConfig.Settings("a", 1, List.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, got PT0S");
    }

    @Test
    @DisplayName("the record keeps an immutable copy of the list it was given")
    void defensiveCopy() {
        List<String> mutable = new ArrayList<>(List.of("https://a"));
        var s = settings("a", 1, mutable);
        mutable.add("https://b");
        assertThat(s.upstreams()).containsExactly("https://a");
        assertThatThrownBy(() -> s.upstreams().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
