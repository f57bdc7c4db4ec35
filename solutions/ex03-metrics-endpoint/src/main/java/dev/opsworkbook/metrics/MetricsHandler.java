package dev.opsworkbook.metrics;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

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
            Headers request = exchange.getRequestHeaders();
            boolean openMetrics = wantsOpenMetrics(request.get("Accept"));
            boolean gzip = acceptsGzip(request.get("Accept-Encoding"));
            byte[] body = render(openMetrics).getBytes(StandardCharsets.UTF_8);
            Headers response = exchange.getResponseHeaders();
            response.set("Content-Type", openMetrics ? OpenMetricsFormat.CONTENT_TYPE : TextFormat.CONTENT_TYPE);
            response.set("Vary", "Accept, Accept-Encoding");
            if (gzip) {
                body = gzip(body); // HEAD too: its Content-Length is that of the body a GET would send
                response.set("Content-Encoding", "gzip");
            }
            if (head) {
                // -1 means "no body"; HEAD still announces the length a GET would return.
                response.set("Content-Length", Integer.toString(body.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private String render(boolean openMetrics) throws IOException {
        if (!openMetrics) {
            return registry.scrape();
        }
        StringWriter out = new StringWriter(4096);
        OpenMetricsFormat.write(registry, out);
        return out.toString();
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(body);
        }
        return bytes.toByteArray();
    }

    /** Text is the default: OpenMetrics only when it is named and preferred at least as much as text. */
    static boolean wantsOpenMetrics(@Nullable List<String> accept) {
        double openMetrics = quality(accept, "application/openmetrics-text");
        double text = quality(accept, "text/plain");
        if (text < 0) {
            text = quality(accept, "text/*");
        }
        if (text < 0) {
            text = quality(accept, "*/*");
        }
        return openMetrics > 0 && openMetrics >= text;
    }

    static boolean acceptsGzip(@Nullable List<String> acceptEncoding) {
        double gzip = Math.max(quality(acceptEncoding, "gzip"), quality(acceptEncoding, "x-gzip"));
        return (gzip < 0 ? quality(acceptEncoding, "*") : gzip) > 0;
    }

    /**
     * The highest q-value the header gives {@code token} (a media range or a coding), or -1 if it does not list
     * it. A header may come as several fields, each a comma-separated list of {@code token;param=value;q=0.5}.
     */
    private static double quality(@Nullable List<String> fields, String token) {
        double best = -1;
        if (fields == null) {
            return best;
        }
        for (String field : fields) {
            for (String element : field.split(",", -1)) {
                String[] parts = element.split(";", -1);
                if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(token)) {
                    continue;
                }
                double q = 1;
                for (int i = 1; i < parts.length; i++) {
                    String[] param = parts[i].split("=", 2);
                    if (param.length == 2 && param[0].trim().equalsIgnoreCase("q")) {
                        q = parseQuality(param[1].trim());
                    }
                }
                best = Math.max(best, q);
            }
        }
        return best;
    }

    private static double parseQuality(String value) {
        try {
            double q = Double.parseDouble(value);
            return q > 0 ? Math.min(q, 1) : 0; // NaN and garbage count as "not acceptable"
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
