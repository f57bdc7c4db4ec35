package dev.opsworkbook.notes.recipes;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Q42: a metrics middleware. Every request through a route is counted by route, method and status and timed in
 * a histogram; {@code /metrics} serves the Prometheus text format. The official Prometheus Java client does the
 * bookkeeping (ex03 builds it yourself).
 */
public final class MetricsMiddleware implements AutoCloseable {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpServer server;

    // @start region=middleware
    private final Counter requests = Counter.builder().name("http_requests_total").help("HTTP requests.")
            .labelNames("route", "method", "code").register(registry);
    private final Histogram latency = Histogram.builder().name("http_request_duration_seconds")
            .help("HTTP request latency.").unit(Unit.SECONDS)
            .classicOnly().labelNames("route").register(registry);

    /** Wraps a route. The label is the route it was registered under, never the raw path: bounded cardinality. */
    private Filter measure(String route) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                long start = System.nanoTime();
                try {
                    chain.doFilter(exchange);
                } finally {                                 // a handler that throws is still counted (as 500)
                    int code = exchange.getResponseCode() < 0 ? 500 : exchange.getResponseCode();
                    requests.labelValues(route, exchange.getRequestMethod(), Integer.toString(code)).inc();
                    latency.labelValues(route).observe((System.nanoTime() - start) / 1e9);
                }
            }

            @Override
            public String description() {
                return "metrics for " + route;
            }
        };
    }
    // @end region=middleware

    MetricsMiddleware() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/metrics", this::scrape);
        server.start();
    }

    /** Adds a route whose requests are measured. */
    void route(String path, HttpHandler handler) {
        server.createContext(path, handler).getFilters().add(measure(path));
    }

    // @start region=scrape
    private void scrape(HttpExchange exchange) throws IOException {
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
        exchange.sendResponseHeaders(200, 0);              // chunked: the size is not known up front
        try (OutputStream out = exchange.getResponseBody()) {
            writer.write(out, registry.scrape());
        }
    }
    // @end region=scrape

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.close();
    }
}
