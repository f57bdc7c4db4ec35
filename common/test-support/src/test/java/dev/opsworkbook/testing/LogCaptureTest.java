package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

@ExtendWith(LeakCheck.class)
class LogCaptureTest {

    /** A logger only this test uses. */
    static final class Subject {
    }

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Subject.class);

    @RegisterExtension
    final LogCapture log = LogCapture.forLogger(Subject.class);

    @Test
    void recordsEventsAndTheirKeyValuesInOrder() {
        LOG.atInfo().setMessage("ran {}").addArgument("ls")
                .addKeyValue("argv", List.of("ls", "-l"))
                .addKeyValue("pid", 42L)
                .addKeyValue("exit_code", 0)
                .addKeyValue("note", (Object) null)
                .log();
        LOG.warn("plain");

        assertThat(log.events()).hasSize(2);
        ILoggingEvent first = log.events().getFirst();
        assertThat(first.getFormattedMessage()).isEqualTo("ran ls");
        assertThat(first.getLevel()).isEqualTo(Level.INFO);
        assertThat(LogCapture.keyValues(first)).containsExactly(
                java.util.Map.entry("argv", List.of("ls", "-l")),
                java.util.Map.entry("pid", 42L),
                java.util.Map.entry("exit_code", 0),
                new java.util.AbstractMap.SimpleEntry<>("note", null));
        assertThat(LogCapture.keyValues(log.events().get(1))).isEmpty();
        assertThat(log.events(Level.WARN)).singleElement().extracting(ILoggingEvent::getMessage).isEqualTo("plain");
    }

    @Test
    void recordsDebugEvenWhenTheConfigurationIsQuieterAndRestoresTheLevel() {
        Logger logback = (Logger) LoggerFactory.getLogger("dev.opsworkbook.testing.quiet");
        logback.setLevel(Level.WARN);
        LogCapture quiet = LogCapture.forLogger("dev.opsworkbook.testing.quiet");
        quiet.start();
        try {
            LoggerFactory.getLogger("dev.opsworkbook.testing.quiet.child").debug("fine detail");
            assertThat(quiet.events()).extracting(ILoggingEvent::getMessage).containsExactly("fine detail");
        } finally {
            quiet.stop();
        }
        assertThat(logback.getLevel()).isEqualTo(Level.WARN);
        assertThat(logback.iteratorForAppenders().hasNext()).as("appender detached").isFalse();
        assertThat(quiet.events()).isEmpty();
        logback.setLevel(null);
    }

    @Test
    void recordsEventsFromManyThreads() {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                int n = i;
                executor.submit(() -> LOG.atInfo().addKeyValue("n", n).log("event"));
            }
        }
        assertThat(log.events()).hasSize(100);
        log.clear();
        assertThat(log.events()).isEmpty();
    }

    @Test
    void eachTestStartsEmpty() {
        // Whatever the other tests logged, this test sees nothing: the capture is per test.
        assertThat(log.events()).isEmpty();
    }
}
