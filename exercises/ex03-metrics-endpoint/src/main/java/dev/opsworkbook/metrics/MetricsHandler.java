package dev.opsworkbook.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * The {@code /metrics} endpoint for the JDK {@code HttpServer}: serves the registry in the format and encoding
 * the scraper asks for.
 *
 * <ul>
 *   <li>{@code GET}: 200 and the scrape. The format is OpenMetrics 1.0.0 ({@link OpenMetricsFormat}, {@code
 *       Content-Type} exactly {@link OpenMetricsFormat#CONTENT_TYPE}) when the {@code Accept} header lists
 *       {@code application/openmetrics-text} (any version) with a q-value above 0 and at least that of
 *       {@code text/plain} (or, if {@code text/plain} is not listed, of {@code text/*}, else of <code>&#42;/&#42;</code>);
 *       otherwise, and without an {@code Accept} header, the text format 0.0.4 ({@link MetricsRegistry#scrape()},
 *       {@code Content-Type} exactly {@link TextFormat#CONTENT_TYPE}). The body is UTF-8, compressed with gzip
 *       (and {@code Content-Encoding: gzip}) when {@code Accept-Encoding} lists {@code gzip} with a q-value above 0
 *       (or, if it does not list {@code gzip}, {@code *} with a q-value above 0). {@code Content-Length} is the
 *       length of the body as sent, and {@code Vary: Accept, Accept-Encoding} tells caches that the response
 *       depends on both. Media types, codings and parameter names are case-insensitive; a missing q is 1.</li>
 *   <li>{@code HEAD}: the same status and headers as that {@code GET}, no body;</li>
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
        throw new UnsupportedOperationException("TODO: GET and HEAD serve the negotiated scrape, other methods get 405");
    }
}
