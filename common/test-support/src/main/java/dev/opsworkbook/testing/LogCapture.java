package dev.opsworkbook.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import org.jspecify.annotations.Nullable;

/**
 * Records what one logger (and its children) logs during each test, through a Logback
 * {@link ListAppender}.
 *
 * <pre>{@code
 * @RegisterExtension
 * final LogCapture log = LogCapture.forLogger(SafeExec.class);
 * ...
 * ILoggingEvent event = log.events().getFirst();
 * assertThat(LogCapture.keyValues(event)).containsEntry("exit_code", 0);
 * }</pre>
 *
 * <p>Before each test the appender is attached and the logger's level is set to {@code TRACE}, so that
 * a quieter configuration ({@code logback-test.xml}) cannot hide events; after each test the appender
 * is detached, the level restored and the events are cleared. Events from every thread are recorded.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final String loggerName;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private @Nullable Level previousLevel;
    private @Nullable Logger logger;

    private LogCapture(String loggerName) {
        this.loggerName = loggerName;
        appender.setName("LogCapture(" + loggerName + ")");
    }

    /** Captures the logger of {@code type}, i.e. {@code LoggerFactory.getLogger(type)}. */
    public static LogCapture forLogger(Class<?> type) {
        return new LogCapture(type.getName());
    }

    /** Captures the logger named {@code name} ({@code "ROOT"} for everything). */
    public static LogCapture forLogger(String name) {
        return new LogCapture(name);
    }

    /** Starts capturing now; {@link #beforeEach} calls it. */
    public void start() {
        org.slf4j.Logger slf4j = LoggerFactory.getLogger(loggerName);
        if (!(slf4j instanceof Logger logback)) {
            throw new IllegalStateException("LogCapture needs Logback as the SLF4J provider, but the logger '"
                    + loggerName + "' is a " + slf4j.getClass().getName()
                    + ": put logback-classic on the test classpath");
        }
        logger = logback;
        synchronized (appender) {
            appender.list.clear();
        }
        appender.setContext(logback.getLoggerContext());
        appender.start();
        previousLevel = logback.getLevel();
        logback.setLevel(Level.TRACE);
        logback.addAppender(appender);
    }

    /** Stops capturing and restores the logger; {@link #afterEach} calls it. */
    public void stop() {
        if (logger != null) {
            logger.detachAppender(appender);
            logger.setLevel(previousLevel);
            logger = null;
        }
        appender.stop();
        synchronized (appender) {
            appender.list.clear();
        }
    }

    /** A copy of the events recorded so far in this test, oldest first. */
    public List<ILoggingEvent> events() {
        // ListAppender appends while holding its own lock (AppenderBase.doAppend is synchronized).
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** The recorded events of exactly this level. */
    public List<ILoggingEvent> events(Level level) {
        return events().stream().filter(e -> e.getLevel().equals(level)).toList();
    }

    /** Forgets the events recorded so far. */
    public void clear() {
        synchronized (appender) {
            appender.list.clear();
        }
    }

    /**
     * The key-value pairs of an event logged with SLF4J 2's fluent API
     * ({@code log.atInfo().addKeyValue("pid", pid)...}), in the order they were added; a key added twice
     * keeps its last value. Empty when the event has none.
     */
    public static Map<String, Object> keyValues(ILoggingEvent event) {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs == null || pairs.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (KeyValuePair pair : pairs) {
            map.put(pair.key, pair.value);
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }
}
