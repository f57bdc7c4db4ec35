package dev.opsworkbook.safeexec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs a command the way an on-call engineer wishes every script did: no shell, bounded output,
 * a hard timeout that takes the whole process tree down, and one structured log line per run.
 *
 * <p>Thread-safe: one instance may run many commands at once.
 */
public final class SafeExec {
    private static final Logger LOG = LoggerFactory.getLogger(SafeExec.class);
    // Well below the virtual-thread scheduler's 256 compensating carriers (see startHelper).
    private static final int MAX_VIRTUAL_HELPERS = 64;
    private static final Semaphore VIRTUAL_HELPERS = new Semaphore(MAX_VIRTUAL_HELPERS);

    // How long the pumps get to read what is left in the pipes after the child exited (at most 64 KiB each).
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    // How long SIGKILLed processes get to disappear; SIGKILL cannot be caught, so this is the kernel's time.
    private static final long REAP_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    // Linux writes up to PIPE_BUF bytes to an empty pipe atomically and without blocking.
    private static final int PIPE_BUF = 4096;
    // Saturate absurd durations (Duration.ofDays(Long.MAX_VALUE)) instead of overflowing nanoTime arithmetic.
    private static final long MAX_NANOS = TimeUnit.DAYS.toNanos(365L * 100);
    // The JDK reports the exec errno only in its message: "error=2, ..." (fork/vfork) or "error: 2 (...)" (posix_spawn).
    private static final Pattern ERRNO = Pattern.compile("error(?:=|: )(\\d+)");
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ENOTDIR = 20;

    /**
     * Runs {@code request} and waits for it to finish (or to be stopped).
     *
     * <ul>
     *   <li>{@code argv} goes to the operating system as is: {@code ;}, {@code |}, {@code $(...)},
     *       backticks and {@code *} are plain characters in an argument.</li>
     *   <li>An invalid request (null or empty argv, a null argument, a NUL character in an argument, a
     *       blank program name, a non-positive timeout, a negative grace period or cap) throws
     *       {@link IllegalArgumentException} whose message names the problem.</li>
     *   <li>stdout and stderr are read at the same time, from the start, to the end; each keeps its first
     *       {@code maxOutputBytes} bytes and counts the rest as dropped.</li>
     *   <li>When the timeout expires, every process of the tree gets SIGTERM, and after
     *       {@code killGrace} SIGKILL; the result has {@code timedOut() == true}.</li>
     *   <li>A descendant that keeps an output pipe open after the child exited does not make
     *       {@code run} wait for it beyond the timeout.</li>
     *   <li>One INFO event is logged per run on this class's logger, with the key-values
     *       {@code argv} (secrets redacted), {@code pid}, {@code exit_code}, {@code duration_ms},
     *       {@code timed_out}, {@code stdout_bytes}, {@code stderr_bytes}, {@code stdout_dropped},
     *       {@code stderr_dropped}.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if the request is invalid
     * @throws CommandNotFoundException if {@code argv[0]} cannot be found or executed
     * @throws IOException              if the process cannot be started for another reason
     * @throws InterruptedException     if the calling thread is interrupted while waiting; the whole
     *                                  process tree has been killed by the time it is thrown
     */
    @SuppressWarnings("NullAway") // validate() rejects a null argv before any use
    public ExecResult run(ExecRequest request) throws IOException, InterruptedException {
        validate(request);
        long timeoutNanos = nanos(request.timeout());
        long graceNanos = nanos(request.killGrace());

        long startNanos = System.nanoTime();
        Process process = start(request);
        ProcessHandle handle = process.toHandle();
        // Drain both pipes from the first moment: a child blocks as soon as one 64 KiB pipe is full.
        OutputPump out = new OutputPump(process.getInputStream(), request.maxOutputBytes());
        OutputPump err = new OutputPump(process.getErrorStream(), request.maxOutputBytes());
        Thread stdinWriter = null;
        boolean finished = false;
        try {
            startHelper("safeexec-" + process.pid() + "-stdout", out);
            startHelper("safeexec-" + process.pid() + "-stderr", err);
            stdinWriter = feed(process, request.stdin());

            long deadline = startNanos + timeoutNanos;
            boolean timedOut = !process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            long settleNanos;
            if (timedOut) {
                ProcessTree.terminate(handle, graceNanos, REAP_NANOS);
                settleNanos = SETTLE_NANOS;
            } else {
                // An orphan that inherited the pipe may hold it open for ever; wait for it no longer than the
                // timeout allows or killGrace, but long enough to read what the child left in the pipe. Known
                // limit: the orphan has left the tree, so it is not killed; its pump ends when the pipe closes.
                settleNanos = Math.max(SETTLE_NANOS, Math.min(deadline - System.nanoTime(), graceNanos));
            }
            await(System.nanoTime() + settleNanos, out, err, stdinWriter);
            // After SIGKILL the JDK may still be reaping the child.
            int exitCode = process.waitFor(REAP_NANOS, TimeUnit.NANOSECONDS) ? process.exitValue() : -1;
            finished = true;

            ExecResult result = new ExecResult(exitCode, out.capture(request.charset()), err.capture(request.charset()),
                    timedOut, Duration.ofNanos(System.nanoTime() - startNanos), process.pid());
            log(request.argv(), result);
            return result;
        } finally {
            if (!finished) {
                // Interrupted (the caller is leaving, so no grace) or failed: leave nothing running behind.
                ProcessTree.kill(handle, REAP_NANOS);
                awaitQuietly(System.nanoTime() + REAP_NANOS, out, err, stdinWriter);
                LOG.atWarn().addKeyValue("argv", ArgvRedactor.redact(request.argv())).addKeyValue("pid", process.pid())
                        .log("command abandoned, process tree killed");
            }
        }
    }

    @SuppressWarnings("NullAway") // argv is checked for null before it is read
    private static void validate(ExecRequest request) {
        List<String> argv = request.argv();
        require(argv != null, "argv is null");
        require(!argv.isEmpty(), "argv is empty");
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            require(arg != null, "argv[" + i + "] is null");
            require(arg.indexOf('\0') < 0, "argv[" + i + "] contains a NUL character");
        }
        require(!argv.get(0).isBlank(), "argv[0] (the program) is blank");
        require(request.timeout() != null, "timeout is null");
        require(request.timeout().isPositive(), "timeout must be positive, got " + request.timeout());
        require(request.killGrace() != null, "killGrace is null");
        require(!request.killGrace().isNegative(), "killGrace must not be negative, got " + request.killGrace());
        require(request.maxOutputBytes() >= 0, "maxOutputBytes must not be negative, got " + request.maxOutputBytes());
        require(request.charset() != null, "charset is null");
        if (request.workingDirectory() != null) {
            require(Files.isDirectory(request.workingDirectory()),
                    "workingDirectory does not exist or is not a directory: " + request.workingDirectory());
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static long nanos(Duration d) {
        return d.compareTo(Duration.ofNanos(MAX_NANOS)) > 0 ? MAX_NANOS : d.toNanos();
    }

    @SuppressWarnings("NullAway") // called after validate(), which rejects a null argv
    private static Process start(ExecRequest request) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(request.argv());
        if (request.workingDirectory() != null) {
            pb.directory(request.workingDirectory().toFile());
        }
        Map<String, String> env = request.environment() == null ? Map.of() : request.environment();
        if (!request.inheritEnvironment() || !env.isEmpty()) {
            Map<String, String> childEnv = pb.environment(); // starts as a copy of ours
            if (!request.inheritEnvironment()) {
                childEnv.clear();
            }
            childEnv.putAll(env);
        }
        try {
            return pb.start();
        } catch (IOException e) {
            String program = request.argv().get(0);
            Matcher errno = ERRNO.matcher(String.valueOf(e.getMessage()));
            if (errno.find()) {
                int code = Integer.parseInt(errno.group(1));
                if (code == ENOENT || code == EACCES || code == ENOTDIR) {
                    throw new CommandNotFoundException(program,
                            "command not found or not executable: " + program + " (" + e.getMessage() + ")", e);
                }
            }
            throw e;
        }
    }

    /**
     * Virtual while few are running, because two platform threads per run cost ~13% over a bare spawn of
     * /bin/true and two virtual ones ~4% (big outputs move to a platform thread, see OutputPump). A pipe read
     * pins its virtual thread's carrier, so past {@link #MAX_VIRTUAL_HELPERS} helpers fall back to platform
     * threads: hundreds of quiet children must not starve the caller's own virtual threads of carriers.
     */
    private static Thread startHelper(String name, Runnable task) {
        if (!VIRTUAL_HELPERS.tryAcquire()) {
            return Thread.ofPlatform().name(name).daemon().start(task);
        }
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                task.run();
            } finally {
                VIRTUAL_HELPERS.release();
            }
        });
    }

    /** Writes stdin and closes it; returns the writer thread, if one was needed. */
    private static @Nullable Thread feed(Process process, byte[] stdin) {
        OutputStream in = process.getOutputStream();
        if (stdin == null || stdin.length <= PIPE_BUF) {
            // Cannot block: the pipe is empty and takes this much in one write.
            writeAndClose(in, stdin == null ? new byte[0] : stdin);
            return null;
        }
        // A child that never reads its stdin must not block run(): write from another thread.
        return startHelper("safeexec-" + process.pid() + "-stdin", () -> writeAndClose(in, stdin));
    }

    private static void writeAndClose(OutputStream in, byte[] bytes) {
        try (in) {
            in.write(bytes);
        } catch (IOException e) {
            // The child exited or closed its stdin without reading it all: its business, not an error.
        }
    }

    /** Waits for the pumps to reach EOF and stdin to be written, until the deadline; then gives up on them. */
    private static void await(long deadline, OutputPump out, OutputPump err, @Nullable Thread stdinWriter)
            throws InterruptedException {
        out.await(deadline - System.nanoTime());
        err.await(deadline - System.nanoTime());
        if (stdinWriter != null) {
            stdinWriter.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    private static void awaitQuietly(long deadline, OutputPump out, OutputPump err, @Nullable Thread stdinWriter) {
        boolean interrupted = Thread.interrupted();
        try {
            await(deadline, out, err, stdinWriter);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void log(List<String> argv, ExecResult r) {
        if (!LOG.isInfoEnabled()) {
            return; // spare the redaction
        }
        LOG.atInfo()
                .addKeyValue("argv", ArgvRedactor.redact(argv))
                .addKeyValue("pid", r.pid())
                .addKeyValue("exit_code", r.exitCode())
                .addKeyValue("duration_ms", r.duration().toMillis())
                .addKeyValue("timed_out", r.timedOut())
                .addKeyValue("stdout_bytes", r.stdout().totalBytes())
                .addKeyValue("stderr_bytes", r.stderr().totalBytes())
                .addKeyValue("stdout_dropped", r.stdout().droppedBytes())
                .addKeyValue("stderr_dropped", r.stderr().droppedBytes())
                .log(r.timedOut() ? "command timed out, process tree stopped" : "command finished");
    }
}
