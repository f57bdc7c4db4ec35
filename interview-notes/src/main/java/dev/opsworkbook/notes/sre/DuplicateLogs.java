package dev.opsworkbook.notes.sre;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.InputStream;
import java.nio.file.Path;
import org.slf4j.Logger;

/**
 * Q39: duplicate log lines from logger additivity. {@code sre/logback-additivity.xml} attaches a file appender
 * to the root logger and again to two application loggers; only one of them sets {@code additivity="false"}.
 */
final class DuplicateLogs implements AutoCloseable {

    private final LoggerContext context = new LoggerContext(); // its own context: the test's logging stays as it is

    DuplicateLogs(Path logFile) throws JoranException {
        context.setMDCAdapter(new LogbackMDCAdapter());    // a context built by hand needs one (Logback 1.5+)
        context.putProperty("LOG_FILE", logFile.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        InputStream config = DuplicateLogs.class.getResourceAsStream("/sre/logback-additivity.xml");
        if (config == null) {
            throw new IllegalStateException("sre/logback-additivity.xml is not on the classpath");
        }
        configurator.doConfigure(config);
    }

    Logger logger(String name) {
        return context.getLogger(name);
    }

    @Override
    public void close() {
        context.stop();                                    // flushes and closes the file appender
    }
}
