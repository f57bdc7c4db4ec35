package dev.opsworkbook.notes.sre;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Q39: duplicate log lines from logger additivity (Logback, real file output)")
class DuplicateLogsTest {

    @Test
    @DisplayName("one event on a logger with its own appender is written twice; with additivity=\"false\" once")
    void additivityDuplicates(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.log");
        try (DuplicateLogs logs = new DuplicateLogs(file)) {
            logs.logger("app.payments.Charge").info("charged order 42");
            logs.logger("app.orders.Checkout").info("order 42 placed");
            logs.logger("app.other").info("plain event");
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "INFO Charge charged order 42",
                "INFO Charge charged order 42",
                "INFO Checkout order 42 placed",
                "INFO other plain event");
    }

    @Test
    @DisplayName("the DEBUG level the payments logger was given still applies, to both copies")
    void debugOnlyWhereConfigured(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.log");
        try (DuplicateLogs logs = new DuplicateLogs(file)) {
            logs.logger("app.payments.Charge").debug("card token checked");
            logs.logger("app.other").debug("not written: root is INFO");
        }
        assertThat(Files.readAllLines(file)).containsExactly("DEBUG Charge card token checked",
                "DEBUG Charge card token checked");
    }
}
