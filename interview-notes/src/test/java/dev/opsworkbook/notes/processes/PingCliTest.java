package dev.opsworkbook.notes.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@DisplayName("Q4: a picocli CLI driven in-process")
class PingCliTest {

    @TempDir
    Path dir;
    Path config;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        config = Files.writeString(dir.resolve("probe.properties"), "target=localhost\n");
    }

    // @start region=in-process
    int run(String... args) {
        return new CommandLine(new PingCli())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);                   // no System.exit: the exit code is returned
    }
    // @end region=in-process

    @Test
    @DisplayName("applies defaults and exits 0")
    void defaults() {
        assertThat(run("--config", config.toString())).isZero();
        assertThat(out.toString()).isEqualTo("probing with qps=100 timeout=2000ms config=" + config + "\n");
    }

    @Test
    @DisplayName("converts typed options, including short durations")
    void typedOptions() {
        assertThat(run("--config", config.toString(), "--qps", "250", "--timeout", "500ms")).isZero();
        assertThat(out.toString()).contains("qps=250 timeout=500ms");
    }

    @Test
    @DisplayName("exits 2 with a clear message when a required option is missing")
    void missingRequired() {
        assertThat(run("--qps", "5")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing required option: '--config=FILE'").contains("Usage: ops-probe");
    }

    @Test
    @DisplayName("exits 2 when a value does not convert, naming the option")
    void badValue() {
        assertThat(run("--config", config.toString(), "--qps", "fast")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--qps': 'fast' is not an int");
        assertThat(run("--config", config.toString(), "--timeout", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--timeout'");
    }

    @Test
    @DisplayName("exits 2 for an out-of-range value checked by the command")
    void outOfRange() {
        assertThat(run("--config", config.toString(), "--qps", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--qps must be in 1..10000, got 0");
    }

    @Test
    @DisplayName("exits 1 (not 2) when the input is well-formed but the file is unreadable")
    void unreadableConfig() {
        assertThat(run("--config", dir.resolve("missing.properties").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("cannot read config");
    }

    @Test
    @DisplayName("--help prints usage with defaults and exit codes, and exits 0")
    void help() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: ops-probe", "--qps=<qps>", "(default: 100)", "2   invalid usage");
    }
}
