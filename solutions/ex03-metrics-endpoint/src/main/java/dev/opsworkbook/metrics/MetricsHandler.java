package dev.opsworkbook.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code /metrics} endpoint for the JDK {@code HttpServer}: serves the registry in the text format.
 *
 * <ul>
 *   <li>{@code GET}: 200, {@code Content-Type} exactly {@link TextFormat#CONTENT_TYPE}, the body is
 *       {@link MetricsRegistry#scrape()} encoded in UTF-8, with its {@code Content-Length};</li>
 *   <li>{@code HEAD}: the same status and headers, no body;</li>
 *   <li>any other method: 405 with {@code Allow: GET, HEAD} and no body.</li>
 * </ul>
 *
 * <p>The exchange is always closed. Thread-safe: scrapes may run concurrently.
 */
public final class MetricsHandler implements HttpHandler {
    private final MetricsRegistry registry;

    /**
     * A handler for this registry.
     *
     * @param registry the metrics to serve
     */
    public MetricsHandler(MetricsRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", TextFormat.CONTENT_TYPE);
            if (head) {
                // -1 means "no body"; HEAD still announces the length a GET would return.
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
