package dev.opsworkbook.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test after which a planted secret (the canary) shows up anywhere a person could read it: this JVM's
 * stdout or stderr, any log event (message, arguments, key-values, exception), or a text the test hands over with
 * {@link #inspect(String, Object)} (an exception it caught, a child JVM's output, a rendered report).
 *
 * <pre>{@code
 * @RegisterExtension
 * final SecretCanary canary = SecretCanary.of("canary-4f1d9c");
 * ...
 * ConfigException e = assertThrows(ConfigException.class, loader::load);
 * canary.inspect("the ConfigException", e);
 * }</pre>
 *
 * <p>stdout and stderr are teed, not replaced: what the test prints still reaches JUnit's capture. Log events are
 * read from the root logger, from every thread, at the levels the logging configuration lets through.
 */
public final class SecretCanary implements BeforeEachCallback, AfterEachCallback {

    private final String canary;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private @Nullable Logger root;
    private final List<String> leaks = new ArrayList<>();
    private @Nullable PrintStream originalOut;
    private @Nullable PrintStream originalErr;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private SecretCanary(String canary) {
        if (canary.length() < 8) {
            throw new IllegalArgumentException("a canary must be unmistakable: 8 characters or more");
        }
        this.canary = canary;
    }

    /** Watches for {@code canary}. */
    public static SecretCanary of(String canary) {
        return new SecretCanary(Objects.requireNonNull(canary, "canary"));
    }

    /** The planted secret. */
    public String value() {
        return canary;
    }

    /**
     * Records a leak if {@code thing}'s text contains the canary; for a {@link Throwable}, its whole printed stack
     * trace (messages and causes included). {@code what} names it in the failure ("the ConfigException").
     */
    public void inspect(String what, @Nullable Object thing) {
        String text = thing instanceof Throwable t ? stackTrace(t) : String.valueOf(thing);
        if (text.contains(canary)) {
            synchronized (leaks) {
                leaks.add(what + ": " + excerpt(text));
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (leaks) {
            leaks.clear();
        }
        out.reset();
        err.reset();
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(tee(originalOut, out));
        System.setErr(tee(originalErr, err));
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger logback) {
            // The root logger's level is left alone: what the configuration would not print is no leak.
            synchronized (log) {
                log.list.clear();
            }
            log.setContext(logback.getLoggerContext());
            log.start();
            logback.addAppender(log);
            root = logback;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<ILoggingEvent> events;
        synchronized (log) {
            events = List.copyOf(log.list);
            log.list.clear();
        }
        if (root != null) {
            root.detachAppender(log);
            root = null;
        }
        log.stop();
        if (originalOut != null) {
            System.out.flush();
            System.setOut(originalOut);
        }
        if (originalErr != null) {
            System.err.flush();
            System.setErr(originalErr);
        }
        inspect("stdout", out.toString(StandardCharsets.UTF_8));
        inspect("stderr", err.toString(StandardCharsets.UTF_8));
        for (ILoggingEvent event : events) {
            inspect("the log event '" + event.getFormattedMessage() + "' of " + event.getLoggerName(), text(event));
        }
        List<String> found;
        synchronized (leaks) {
            found = List.copyOf(leaks);
        }
        if (!found.isEmpty()) {
            throw new AssertionError("the secret planted by this test (" + canary + ") leaked into "
                    + String.join("\n  and ", found)
                    + "\nmask secrets everywhere they could be printed: values, messages, log events, toString()");
        }
    }

    private static String text(ILoggingEvent event) {
        StringBuilder s = new StringBuilder(String.valueOf(event.getFormattedMessage()));
        if (event.getArgumentArray() != null) {
            for (Object arg : event.getArgumentArray()) {
                s.append('\n').append(arg instanceof Throwable t ? stackTrace(t) : String.valueOf(arg));
            }
        }
        LogCapture.keyValues(event).forEach((k, v) -> s.append('\n').append(k).append('=').append(v));
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            s.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                s.append('\n').append(frame);
            }
        }
        return s.toString();
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private String excerpt(String text) {
        int at = text.indexOf(canary);
        int from = Math.max(0, at - 120);
        int to = Math.min(text.length(), at + canary.length() + 40);
        return (from > 0 ? "..." : "") + text.substring(from, to).replace("\n", "\\n") + (to < text.length() ? "..." : "");
    }

    private static PrintStream tee(PrintStream original, ByteArrayOutputStream copy) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (copy) {
                    copy.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
