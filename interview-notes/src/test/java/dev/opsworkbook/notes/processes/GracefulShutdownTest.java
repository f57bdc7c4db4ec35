package dev.opsworkbook.notes.processes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.ChildJvm;
import dev.opsworkbook.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(40)
@DisplayName("Q7: graceful shutdown on SIGTERM (a real child JVM)")
class GracefulShutdownTest {

    static final Pattern STARTED = Pattern.compile("started job (\\d+)");

    @Test
    @DisplayName("finishes every job it started, starts none after the signal, and exits 143")
    void drainsInFlightJobs() throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(GracefulShutdown.class).jvmArgs("-Xshare:auto", "-XX:TieredStopAtLevel=1")
                .args("400", "20000").start()) {
            jvm.waitForOutput("started job 2", Duration.ofSeconds(20));
            jvm.sendSigterm();
            assertThat(jvm.awaitExit(Duration.ofSeconds(25))).as("exit code after SIGTERM (128 + 15)").isEqualTo(143);

            List<String> lines = jvm.stdoutLines();
            int signal = lines.indexOf("shutdown requested");
            assertThat(signal).as("the hook ran" + jvm.outputForMessage()).isNotNegative();
            assertThat(lines.getLast()).isEqualTo("drained, exiting");
            for (String line : lines) {
                Matcher m = STARTED.matcher(line);
                if (m.matches()) {
                    assertThat(lines).as("job %s started but did not finish%s", m.group(1), jvm.outputForMessage())
                            .contains("finished job " + m.group(1));
                }
            }
            assertThat(lines).doesNotContain("drain deadline passed; abandoned queued=0");
        }
    }

    @Test
    @DisplayName("gives up on jobs that outlive the drain deadline instead of hanging the shutdown")
    void deadlineBoundsTheDrain() throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(GracefulShutdown.class).jvmArgs("-XX:TieredStopAtLevel=1")
                .args("60000", "300").start()) {
            jvm.waitForOutput("started job 1", Duration.ofSeconds(20));
            jvm.sendSigterm();
            assertThat(jvm.awaitExit(Duration.ofSeconds(20))).isEqualTo(143);
            assertThat(jvm.stdoutLines()).as(jvm.outputForMessage())
                    .anyMatch(l -> l.startsWith("drain deadline passed"))
                    .noneMatch(l -> l.startsWith("finished job"))
                    .contains("drained, exiting"); // "interrupted job 1" may or may not make it out before exit
        }
    }
}
