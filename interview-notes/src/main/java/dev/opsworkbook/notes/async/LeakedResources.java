package dev.opsworkbook.notes.async;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Q29: resources that outlive their task (sockets, executors) and what Cleaner does and does not fix. */
public final class LeakedResources {

    private LeakedResources() {
    }

    // @start region=socket
    /** Leaks the socket on the error path: the early throw skips close(). */
    static String readReplyLeaky(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server, 5_000);
        InputStream in = socket.getInputStream();
        String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (reply.startsWith("ERR")) {
            throw new IOException("server refused: " + reply.strip()); // socket still open
        }
        socket.close();
        return reply;
    }

    /** Fixed: try-with-resources closes the socket on every path, exceptions included. */
    static String readReply(InetSocketAddress server) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (reply.startsWith("ERR")) {
                throw new IOException("server refused: " + reply.strip());
            }
            return reply;
        }
    }
    // @end region=socket

    // @start region=executor
    /** Leaks: a pool nobody shuts down keeps its non-daemon threads, and the JVM cannot exit. */
    static ExecutorService runBatchLeaky(List<Runnable> jobs) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        jobs.forEach(pool::execute);
        return pool; // returned only so that the test can clean up after showing the leak
    }

    /** Fixed: close() (JDK 19+) is shutdown() plus waiting for the jobs; the threads end with the block. */
    static void runBatch(List<Runnable> jobs) {
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            jobs.forEach(pool::execute);
        }
    }
    // @end region=executor

    // @start region=cleaner
    /** A scratch file with a Cleaner as a safety net: close() is the way to release it, GC the fallback. */
    static final class ScratchFile implements AutoCloseable {
        private static final Cleaner CLEANER = Cleaner.create(); // one daemon thread for every instance

        private final Path path;
        private final Cleaner.Cleanable cleanable;

        ScratchFile(Path dir, AtomicInteger released) throws IOException {
            this.path = Files.createTempFile(dir, "scratch", ".tmp");
            // The action must not refer to `this` (no lambda over fields, no inner class), or the object
            // stays reachable from the Cleaner and is never collected.
            this.cleanable = CLEANER.register(this, new Release(path, released));
        }

        Path path() {
            return path;
        }

        @Override
        public void close() {
            cleanable.clean(); // runs the action now, at most once, and unregisters it
        }

        private record Release(Path path, AtomicInteger released) implements Runnable {
            @Override
            public void run() {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // nothing to report to: a Cleaner action has no caller
                }
                released.incrementAndGet();
            }
        }
    }
    // @end region=cleaner

    // @start region=count-fds
    /** Open sockets of this process, as {@code ls -l /proc/PID/fd | grep -c socket:} counts them (Linux). */
    static long openSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed while we listed (the listing's own descriptor, for one)
                }
            }).count();
        }
    }
    // @end region=count-fds
}
