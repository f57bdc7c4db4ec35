package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The listener's side of the grading channel: every graded result, the moment JUnit reports it, sent over a
 * loopback socket to the grader ({@link ResultsCollector}), which keeps the score in its own process. Code
 * under test can rewrite {@code results.json} afterwards; it cannot take back what was already sent.
 * One JSON array per line: {@code ["hello", slug]}, {@code ["plan", [[name, points], ...]]},
 * {@code ["result", position in the plan, status]}, {@code ["end"]}.
 */
final class ResultsStream implements AutoCloseable {
    /** Configuration parameter or environment variable: the collector's port on loopback. */
    static final String COLLECTOR = "grading.collector";
    static final String COLLECTOR_ENV = "GRADING_COLLECTOR";

    private final Socket socket;
    private final OutputStream out;

    private ResultsStream(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Connects to the collector at {@code port} on loopback; null when {@code port} is null (not graded). */
    static @Nullable ResultsStream connect(@Nullable String port, String slug) {
        if (port == null || port.isBlank()) {
            return null;
        }
        try {
            ResultsStream stream = new ResultsStream(new Socket(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(port.strip())));
            stream.send(List.of("hello", slug));
            return stream;
        } catch (IOException | NumberFormatException e) {
            // The grader then has no stream for this exercise, and says so.
            System.err.println("grading: cannot reach the results collector on port " + port + ": " + e);
            return null;
        }
    }

    synchronized void send(List<?> event) {
        try {
            // Json escapes newlines inside strings, so dropping the layout's newlines leaves one line.
            out.write((Json.write(event).replace("\n", "") + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            System.err.println("grading: lost the results collector: " + e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to send
        }
    }
}
