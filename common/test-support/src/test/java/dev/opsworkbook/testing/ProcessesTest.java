package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class ProcessesTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final List<Long> extraPids = new ArrayList<>();

    @AfterEach
    void killEverything() throws InterruptedException {
        Processes.killQuietly(extraPids);
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Process start(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    @Test
    void aSleepingProcessIsRunningAndAKilledOneIsNot() throws Exception {
        Process sleep = start("sleep", "30");
        assertThat(Processes.isRunning(sleep.pid())).isTrue();
        assertThat(Processes.state(sleep.pid())).isPresent();
        assertThat(Processes.commandLine(sleep.pid())).isEqualTo("sleep 30");
        assertThat(Processes.describe(sleep.pid())).isEqualTo("pid " + sleep.pid() + " (sleep 30)");
        assertThat(Processes.runningDescendants()).extracting(ProcessHandle::pid).contains(sleep.pid());

        sleep.destroyForcibly();
        sleep.waitFor();
        assertThat(Processes.isRunning(sleep.pid())).isFalse();
        assertThat(Processes.state(sleep.pid())).isEmpty();
    }

    @Test
    void aZombieIsNotRunningAlthoughTheJdkSaysItIsAlive() throws Exception {
        // sh starts a child in the background and becomes sleep, which never reaps it: once the child exits it
        // is a zombie. The child exits only after its parent has become sleep, or sh itself might reap it first.
        Path pidFile = dir.resolve("zombie.pid");
        Path script = TestScripts.write(dir, "zombie.sh",
                "(while [ \"$(cat /proc/$$/comm)\" != sleep ]; do :; done) &",
                "echo $! > \"$1\"",
                "exec sleep 30");
        start(script.toString(), pidFile.toString());
        long zombie = Processes.awaitPids(pidFile, 1, Duration.ofSeconds(5)).getFirst();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Processes.state(zombie).orElse('?') == 'Z');
        assertThat(Processes.isRunning(zombie)).isFalse();
        assertThat(ProcessHandle.of(zombie).map(ProcessHandle::isAlive)).contains(true);
        Processes.awaitAllDead(List.of(zombie), Duration.ofMillis(100));
    }

    @Test
    void awaitAllDeadNamesTheSurvivors() throws Exception {
        Process sleep = start("sleep", "30");
        Process gone = start("true");
        gone.waitFor();

        assertThatThrownBy(() -> Processes.awaitAllDead(List.of(gone.pid(), sleep.pid()), Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 of 2 processes were still running")
                .hasMessageContaining("pid " + sleep.pid() + " (sleep 30)")
                .hasMessageNotContaining("pid " + gone.pid());
    }

    @Test
    void awaitAllDeadReturnsOnceTheyDie() throws Exception {
        Process sleep = start("sleep", "30");
        Thread.ofVirtual().start(sleep::destroy);
        Processes.awaitAllDead(List.of(sleep.pid()), Duration.ofSeconds(5));
        assertThat(Processes.isRunning(sleep.pid())).isFalse();
    }

    @Test
    void killQuietlyKillsByPidAndIgnoresTheDead() throws Exception {
        Process sleep = start("sleep", "30");
        Processes.killQuietly(List.of(sleep.pid(), 999_999_999L));
        assertThat(sleep.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sleep.exitValue()).isEqualTo(137);
    }

    @Test
    void readPidsReadsCompleteLinesOnly() throws Exception {
        Path file = dir.resolve("pids");
        assertThat(Processes.readPids(file)).isEmpty();
        Files.writeString(file, "12\n\n 34 \n5");
        assertThat(Processes.readPids(file)).containsExactly(12L, 34L);
        Files.writeString(file, "not-a-pid\n");
        assertThatThrownBy(() -> Processes.readPids(file)).hasMessageContaining("not-a-pid");
    }

    @Test
    void awaitPidsWaitsForAScriptToWriteThem() throws Exception {
        Path file = dir.resolve("pids");
        Path script = TestScripts.write(dir, "tree.sh", """
                echo $$ >> "$1"
                sh -c 'echo $$ >> "$1"' child "$1"
                """);
        Process p = start(script.toString(), file.toString());
        List<Long> pids = Processes.awaitPids(file, 2, Duration.ofSeconds(5));
        assertThat(pids).hasSize(2).contains(p.pid());
        p.waitFor();

        assertThatThrownBy(() -> Processes.awaitPids(file, 3, Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected 3 pids");
    }
}
