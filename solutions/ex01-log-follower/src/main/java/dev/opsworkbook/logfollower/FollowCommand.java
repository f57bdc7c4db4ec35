package dev.opsworkbook.logfollower;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code log-follower [--from-beginning] [--poll-ms N] [--max-line-bytes N] [--queue N] FILE}: follows
 * FILE and prints its lines to stdout until the JVM is told to stop.
 *
 * <p>SIGTERM (or SIGINT) runs the shutdown hook: it stops the follower, lets the printing loop empty the
 * queue and flush stdout, then writes {@code log-follower: stopped, N lines read, N printed} to stderr.
 * The JVM then exits with 128 + the signal: 143 for SIGTERM. Invalid arguments exit with 2, a file that
 * cannot be followed with 1, each with one line on stderr.
 */
final class FollowCommand {
    static final String USAGE =
            "usage: log-follower [--from-beginning] [--poll-ms N] [--max-line-bytes N] [--queue N] FILE";
    private static final Duration PRINT_WAIT = Duration.ofMillis(1500);

    private FollowCommand() {
    }

    /** Runs the command; returns only on an error (its exit status), otherwise runs until the JVM shuts down. */
    static int run(String[] args) {
        FollowOptions options;
        LogFollower follower;
        try {
            options = parse(args);
            follower = LogFollower.start(options);
        } catch (IllegalArgumentException e) {
            System.err.println("log-follower: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        } catch (IOException e) {
            System.err.println("log-follower: cannot follow " + e.getMessage());
            return 1;
        }
        // Our own buffer, flushed whenever the queue runs dry: println per line through System.out would
        // flush (and write(2)) once per line.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, UTF_8);
        CountDownLatch printedAll = new CountDownLatch(1);
        long[] printed = {0};
        var stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            follower.close(); // no line is read after this: the queue holds the rest of what was read
            stopping.set(true);
            try {
                printedAll.await(PRINT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.err.printf("log-follower: stopped, %d lines read, %d printed%n",
                    follower.stats().linesDelivered(), printed[0]);
            System.err.flush();
        }, "log-follower-shutdown"));
        try {
            while (true) {
                boolean last = stopping.get(); // read before polling: once set, an empty queue stays empty
                String line = follower.poll(last ? Duration.ZERO : Duration.ofMillis(100));
                if (line != null) {
                    out.println(line);
                    printed[0]++;
                } else {
                    out.flush();
                    if (last) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            out.flush();
        } finally {
            printedAll.countDown();
        }
        // The hook is running and the JVM exits with 128 + signal when it is done; never return a status.
        return awaitShutdown();
    }

    private static int awaitShutdown() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 1;
    }

    static FollowOptions parse(String[] args) {
        FollowOptions.Builder builder = null;
        StartPosition start = StartPosition.END;
        Duration poll = FollowOptions.DEFAULT_POLL_INTERVAL;
        int maxLineBytes = FollowOptions.DEFAULT_MAX_LINE_BYTES;
        int queue = FollowOptions.DEFAULT_QUEUE_CAPACITY;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--from-beginning" -> start = StartPosition.BEGINNING;
                case "--poll-ms" -> poll = Duration.ofMillis(number(args, ++i, arg));
                case "--max-line-bytes" -> maxLineBytes = (int) number(args, ++i, arg);
                case "--queue" -> queue = (int) number(args, ++i, arg);
                default -> {
                    if (arg.startsWith("-") || builder != null) {
                        throw new IllegalArgumentException("unexpected argument: " + arg);
                    }
                    builder = FollowOptions.builder(Path.of(arg));
                }
            }
        }
        if (builder == null) {
            throw new IllegalArgumentException("no FILE given");
        }
        return builder.start(start).pollInterval(poll).maxLineBytes(maxLineBytes).queueCapacity(queue).build();
    }

    private static long number(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a number");
        }
        try {
            return Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not '" + args[i] + "'");
        }
    }
}
