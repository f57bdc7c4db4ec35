package dev.opsworkbook.notes.outstanding;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Q35: async done right in a web server. The JDK's {@code HttpServer} stands in for the framework: by default it
 * runs every handler on its one dispatcher thread (an event loop), so a handler that blocks stalls every request.
 */
public final class WebAsync implements AutoCloseable {

    /** Simulates the blocking call a handler makes (JDBC, a downstream HTTP call). */
    @FunctionalInterface
    interface BlockingCall {
        void call() throws InterruptedException;
    }

    private final HttpServer server;
    private final @Nullable ExecutorService handlers;
    private final AtomicInteger inHandler = new AtomicInteger();
    private final AtomicInteger peakInHandler = new AtomicInteger();

    // @start region=server
    /** {@code perRequestVirtualThreads=false} is the JDK default: handlers run on the dispatcher thread. */
    WebAsync(boolean perRequestVirtualThreads, BlockingCall downstream) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = perRequestVirtualThreads ? Executors.newVirtualThreadPerTaskExecutor() : null;
        server.setExecutor(handlers);                      // null = the dispatcher thread itself
        server.createContext("/work", exchange -> {
            peakInHandler.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
            try {
                downstream.call();                         // blocking is fine on a virtual thread, fatal on a loop
                reply(exchange, 200, Thread.currentThread().isVirtual() ? "virtual" : Thread.currentThread().getName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(exchange, 503, "interrupted");
            } finally {
                inHandler.decrementAndGet();
            }
        });
        server.start();
    }
    // @end region=server

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The most handlers that were running at the same moment. */
    int peakConcurrentHandlers() {
        return peakInHandler.get();
    }

    @Override
    public void close() {
        server.stop(0);
        if (handlers != null) {
            handlers.close();
        }
    }
}
