package dev.opsworkbook.notes.processes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import dev.opsworkbook.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
@DisplayName("Q3: running a subprocess with a timeout")
class ProcessRunnerTest {

    @Test
    @DisplayName("captures stdout, stderr and the exit code")
    void capturesOutput() throws Exception {
        var r = ProcessRunner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
        assertThat(r).isEqualTo(new ProcessRunner.Result(3, "out\n", "err\n", false));
    }

    @Test
    @DisplayName("passes each argv element literally: shell metacharacters are not interpreted")
    void argvIsNotAShellString(@TempDir Path dir) throws Exception {
        Path victim = Files.createFile(dir.resolve("victim"));
        var r = ProcessRunner.run(List.of("echo", "x; rm " + victim), Duration.ofSeconds(10));
        assertThat(r.stdout()).isEqualTo("x; rm " + victim + "\n");
        assertThat(victim).exists();
    }

    @Test
    @DisplayName("does not deadlock when the child fills both pipes (1 MiB on stdout and on stderr)")
    void drainsBothPipesConcurrently() throws Exception {
        var r = ProcessRunner.run(List.of("sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' a >&2; "
                + "head -c 1048576 /dev/zero | tr '\\0' b"), Duration.ofSeconds(20));
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stderr()).hasSize(1 << 20);
        assertThat(r.stdout()).hasSize(1 << 20);
    }

    @Test
    @DisplayName("kills the whole tree on timeout: the shell and the sleep it started")
    void killsTheTreeOnTimeout() throws Exception {
        long start = System.nanoTime();
        var r = ProcessRunner.run(List.of("sh", "-c", "sleep 60 & echo $!; wait"), Duration.ofMillis(500));
        assertThat(r.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        long grandchild = Long.parseLong(r.stdout().strip());
        assertThat(Processes.isRunning(grandchild)).as("the grandchild sleep %d still runs", grandchild).isFalse();
    }
}
