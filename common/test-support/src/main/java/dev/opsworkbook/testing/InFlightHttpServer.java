package dev.opsworkbook.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server (the JDK's {@code HttpServer}, one virtual thread per request, so that it is never
 * the bottleneck at hundreds of concurrent requests) that counts the requests in flight and remembers the peak.
 *
 * <p>A request is <em>in flight</em> from the moment its handler starts until its response has been written up to
 * the last byte: the count drops just <em>before</em> that last byte (or before the headers, for an empty body) goes
 * out. So a client that holds a connection while it reads a body is counted, and a client that starts a new
 * request only once it has read a whole response can never make the count exceed its own limit. The handler runs on
 * its own virtual thread and may block (latency, holding a wave); {@link #close()} releases handlers that hold,
 * closes every connection and waits up to 5 s for the handlers to end.
 *
 * <pre>{@code
 * try (var server = InFlightHttpServer.start((request, self) -> {
 *         self.awaitPeak(200, Duration.ofSeconds(1)); // hold until 200 were in at once, at most 1 s
 *         return Reply.text(200, request.path());
 *     })) {
 *     client.fetch(server.url("/item/1"), ...);
 *     assertThat(server.peakInFlight()).isEqualTo(200);
 * }
 * }</pre>
 */
public final class InFlightHttpServer implements AutoCloseable {

    /** What a test's handler sees of a request. */
    public record Request(String method, String path, Map<String, java.util.List<String>> headers) {
    }

    /**
     * A response: status, headers, body; with a {@code dripDelay}, the body is written one byte at a time with that
     * pause before each byte (a slow or stuck upstream).
     */
    @SuppressWarnings("ArrayRecordComponent") // a fixture's reply: the bytes go to the wire as they are, never compared
    public record Reply(int status, Map<String, String> headers, byte[] body, Duration dripDelay) {
        public static Reply text(int status, String body) {
            return new Reply(status, Map.of(), body.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
        }

        public Reply withHeader(String name, String value) {
            var all = new java.util.LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, Map.copyOf(all), body, dripDelay);
        }

        public Reply dripping(Duration delayPerByte) {
            return new Reply(status, headers, body, delayPerByte);
        }
    }

    /** The test's request handler; it may block (it runs on its own virtual thread). */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request, InFlightHttpServer server) throws Exception;
    }

    static {
        // The last body byte goes out on its own (see exchange): without TCP_NODELAY, Nagle's algorithm holds it
        // until the client's delayed ACK, 40 ms per response. The JDK's server reads this once, at first use.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Handler handler;
    private final Object lock = new Object();
    private int inFlight;
    private int peak;
    private long requests;
    private boolean closed;

    private InFlightHttpServer(Handler handler) throws IOException {
        this.handler = handler;
        // A deep backlog: hundreds of clients connect in the same millisecond.
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
    }

    /** Starts a server on a free loopback port. */
    public static InFlightHttpServer start(Handler handler) {
        try {
            return new InFlightHttpServer(handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path} (which starts with a slash). */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests in flight now. */
    public int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }

    /** The most requests ever in flight at once. */
    public int peakInFlight() {
        synchronized (lock) {
            return peak;
        }
    }

    /** Requests received so far. */
    public long requests() {
        synchronized (lock) {
            return requests;
        }
    }

    /**
     * For a handler: waits until the peak has reached {@code n} requests in flight at once, the server is closed,
     * or {@code max} has passed, whichever comes first; returns whether the peak reached {@code n}. (The peak, not
     * the current count: the first request released may finish before the others wake up.)
     */
    public boolean awaitPeak(int n, Duration max) throws InterruptedException {
        return await(() -> peak >= n, max);
    }

    /** For a handler: blocks until the server is closed or {@code max} has passed. */
    public void holdUntilClosed(Duration max) throws InterruptedException {
        await(() -> false, max);
    }

    private boolean await(java.util.function.BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (!condition.getAsBoolean() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return condition.getAsBoolean();
        }
    }

    private void exchange(HttpExchange exchange) throws IOException {
        Reply reply;
        synchronized (lock) {
            requests++;
            peak = Math.max(peak, ++inFlight);
            lock.notifyAll();
        }
        boolean counted = true;
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            try {
                reply = handler.handle(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders()), this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                reply = Reply.text(500, "test handler failed: " + e);
            }
            byte[] body = reply.body();
            reply.headers().forEach(exchange.getResponseHeaders()::set);
            if (body.length == 0) {
                counted = leave(); // the client is done as soon as it has the headers
                exchange.sendResponseHeaders(reply.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(reply.status(), body.length);
            int last = body.length - 1;
            write(out, body, 0, last, reply.dripDelay());
            out.flush(); // all but the last byte is on the wire while the request still counts
            counted = leave();
            write(out, body, last, 1, reply.dripDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away (a timeout, a cancel): expected in these tests.
        } finally {
            if (counted) {
                leave();
            }
        }
    }

    private static void write(OutputStream out, byte[] body, int from, int length, Duration dripDelay)
            throws IOException, InterruptedException {
        if (!dripDelay.isPositive()) {
            out.write(body, from, length);
            return;
        }
        for (int i = from; i < from + length; i++) {
            Thread.sleep(dripDelay);
            out.write(body[i]);
            out.flush();
        }
    }

    /** The request is no longer in flight; returns {@code false} (it is no longer counted). */
    private boolean leave() {
        synchronized (lock) {
            inFlight--;
            lock.notifyAll();
        }
        return false;
    }

    /** Stops the server, closes every connection, and releases handlers that hold. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
