package dev.opsworkbook.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

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
    /**
     * A handler for this registry.
     *
     * @param registry the metrics to serve
     */
    public MetricsHandler(MetricsRegistry registry) {
        throw new UnsupportedOperationException("TODO: keep the registry");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        throw new UnsupportedOperationException("TODO: GET and HEAD serve the scrape, other methods get 405");
    }
}
