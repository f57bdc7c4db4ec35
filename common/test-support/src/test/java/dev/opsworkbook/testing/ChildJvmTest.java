package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void runsAMainWithJvmAndProgramArgsAndStopsItWithSigterm() throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(SleepyMain.class).jvmArgs("-Xmx48m").args("a b", "c")
                .outputDirectory(dir).start()) {
            jvm.waitForOutput("ready", Duration.ofSeconds(8));
            assertThat(jvm.stdoutLines()).contains("args=a b,c");
            long maxMemory = Long.parseLong(jvm.waitForOutput(l -> l.startsWith("maxMemory="), Duration.ofSeconds(1))
                    .substring("maxMemory=".length()));
            assertThat(maxMemory).isLessThanOrEqualTo(48L << 20);
            assertThat(Processes.isRunning(jvm.pid())).isTrue();

            jvm.sendSigterm();
            assertThat(jvm.awaitExit(Duration.ofSeconds(8))).isEqualTo(143);
            assertThat(jvm.stdout()).endsWith("shutting down\n");
            assertThat(dir.resolve("stdout.txt")).exists();
        }
    }

    @Test
    void reportsTheExitCodeAndStderr() throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(SleepyMain.class).args("exit", "7").start()) {
            assertThat(jvm.awaitExit(Duration.ofSeconds(8))).isEqualTo(7);
            assertThat(jvm.stderr()).isEqualTo("exiting with 7\n");
            assertThatThrownBy(() -> jvm.waitForOutput("ready", Duration.ofSeconds(1)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("exited with code 7 before writing the expected line")
                    .hasMessageContaining("exiting with 7");
        }
    }

    @Test
    void closeKillsAChildThatStillRunsAndDeletesItsOutput() throws Exception {
        ChildJvm jvm = ChildJvm.builder(SleepyMain.class).start();
        long pid = jvm.pid();
        jvm.waitForOutput("ready", Duration.ofSeconds(8));
        assertThatThrownBy(() -> jvm.awaitExit(Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("still running")
                .hasMessageContaining("ready");
        jvm.close();
        assertThat(Processes.isRunning(pid)).isFalse();
        assertThat(jvm.process().exitValue()).isEqualTo(137);
    }

    @Test
    void usesTheTestClasspath() {
        String cp = ChildJvm.testClassPath();
        assertThat(cp).contains("test-classes");
        assertThat(Files.exists(Path.of(System.getProperty("java.home"), "bin", "java"))).isTrue();
    }
}
