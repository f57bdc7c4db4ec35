package dev.opsworkbook.grading;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The grader's side of the grading channel: a loopback server, in the grader's own process, that receives each
 * test JVM's results as they happen ({@link ResultsStream}). After the run, what it holds is compared with the
 * {@code results.json} the listener wrote; code under test that rewrote, deleted or forged that file, or opened a
 * second stream for the same exercise, is caught by the difference.
 */
final class ResultsCollector implements AutoCloseable {

    /** One graded test of the inventory, as the listener announced it before anything ran. */
    record Planned(String name, int points) {
    }

    /**
     * What one exercise's test JVM reported: the inventory in report order, and each result by its position
     * there (names may repeat across classes; positions do not).
     */
    static final class Stream {
        final List<Planned> plan = new ArrayList<>();
        final Map<Integer, String> results = new HashMap<>();
        int connections;
        boolean ended;

        synchronized long score() {
            long score = 0;
            for (int i = 0; i < plan.size(); i++) {
                if (Results.PASS.equals(results.get(i))) {
                    score += plan.get(i).points();
                }
            }
            return score;
        }
    }

    private final ServerSocket server;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final List<Thread> readers = new ArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    ResultsCollector() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("results-collector").start(this::acceptAll);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The stream of {@code slug}, or null if its test JVM never reported. */
    @Nullable Stream stream(String slug) {
        return streams.get(slug);
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                synchronized (readers) {
                    readers.add(Thread.ofPlatform().daemon().name("results-reader").start(() -> read(socket)));
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                System.err.println("grading: results collector: " + e);
            }
        }
    }

    private void read(Socket socket) {
        @Nullable Stream stream = null;
        try (socket; BufferedReader in = new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!(Json.parse(line) instanceof List<?> event) || event.isEmpty()) {
                    return; // not a results stream
                }
                String type = String.valueOf(event.getFirst());
                if (stream == null) {
                    if (!type.equals("hello")) {
                        return; // not a results stream
                    }
                    stream = streams.computeIfAbsent(String.valueOf(event.get(1)), s -> new Stream());
                    synchronized (stream) {
                        stream.connections++;
                        if (stream.connections > 1) {
                            return; // counted, which is enough to fail the exercise; its events change nothing
                        }
                    }
                    continue;
                }
                if (closed) {
                    return; // the report is being made: nothing may change it any more
                }
                synchronized (stream) {
                    switch (type) {
                        case "plan" -> {
                            for (Object o : (List<?>) event.get(1)) {
                                List<?> unit = (List<?>) o;
                                stream.plan.add(new Planned(String.valueOf(unit.get(0)), ((Number) unit.get(1)).intValue()));
                            }
                        }
                        case "result" -> stream.results.put(((Number) event.get(1)).intValue(), String.valueOf(event.get(2)));
                        case "end" -> stream.ended = true;
                        default -> { } // a newer listener's event: ignore
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // A broken or garbled stream: what arrived so far stands; results.json must agree with it.
        }
    }

    /** Waits (bounded) for the streams still open, then stops. Call after the test JVMs have exited. */
    @Override
    public void close() throws IOException {
        server.close();
        List<Thread> all;
        synchronized (readers) {
            all = List.copyOf(readers);
        }
        for (Thread t : all) {
            try {
                t.join(2_000); // the test JVMs are gone: their sockets are closed, so this is quick
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            acceptor.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
    }
}
