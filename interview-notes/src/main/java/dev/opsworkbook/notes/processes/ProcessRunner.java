package dev.opsworkbook.notes.processes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Q3: run a command with a timeout, capture its output, never hang and never leave a process behind. */
public final class ProcessRunner {

    private ProcessRunner() {
    }

    /** What a finished (or killed) command produced. */
    public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
    }

    // @start region=run
    public static Result run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv)              // argv list: no shell, no injection
                .redirectInput(ProcessBuilder.Redirect.DISCARD.file()) // stdin from /dev/null
                .start();
        try (ExecutorService drains = Executors.newVirtualThreadPerTaskExecutor()) {
            // Drain both pipes at once: a child blocked on a full stderr pipe never exits.
            Future<String> out = drains.submit(() -> readAll(process.getInputStream()));
            Future<String> err = drains.submit(() -> readAll(process.getErrorStream()));
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                destroyTree(process);                         // grandchildren too, or they keep the pipes open
            }
            return new Result(process.waitFor(), get(out), get(err), !finished);
        } catch (InterruptedException e) {
            destroyTree(process);                             // our caller gave up: so do we
            throw e;
        }
    }

    static void destroyTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
    // @end region=run

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer); // a real wrapper caps this (see ex05-safe-exec)
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static String get(Future<String> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException("reading the child's output failed", e.getCause()));
        }
    }
}
