package dev.opsworkbook.metrics;

import com.sun.net.httpserver.HttpHandler;
import java.util.function.LongSupplier;

/**
 * Request instrumentation for the JDK {@code HttpServer}: wraps any {@link HttpHandler} and records
 *
 * <ul>
 *   <li>{@code http_requests_total{method,route,code}}: a counter, one series per method, route template
 *       and status code;</li>
 *   <li>{@code http_request_duration_seconds{route}}: a histogram with {@link Histogram#DEFAULT_BUCKETS},
 *       the time from entering the wrapper to the wrapped handler's return, in seconds.</li>
 * </ul>
 *
 * <p>The {@code route} label is the template given to {@link #instrument} ({@code /users/{id}}), never
 * the request path, so the number of series stays bounded whatever clients request. {@code code} is the
 * status the handler sent; a handler that throws is recorded as {@code 500}, even if it had already sent a
 * status, and the exception (checked or not) is rethrown unchanged. A handler that returns without sending a
 * status is recorded as {@code 500} too.
 *
 * <p>Durations come from the injected nanosecond ticker (by default {@link System#nanoTime()}, which is
 * monotonic: wall-clock jumps never produce a negative or huge duration).
 *
 * <p>The scrape endpoint is instrumented like any other route when you wrap it (for example
 * {@code instrument("/metrics", new MetricsHandler(registry))}): a request is recorded after its handler
 * returns, so a scrape never contains itself, and the next scrape shows it.
 */
public final class HttpMetrics {
    private final Counter requests;
    private final Histogram duration;
    private final LongSupplier nanoTicker;

    /**
     * Registers the two metrics in the registry and measures with {@link System#nanoTime()}.
     *
     * @param registry where the two metrics are registered
     * @throws IllegalArgumentException if the registry already has metrics with these names
     */
    public HttpMetrics(MetricsRegistry registry) {
        this(registry, System::nanoTime);
    }

    /**
     * Registers the two metrics in the registry and measures with the given ticker.
     *
     * @param registry where the two metrics are registered
     * @param nanoTicker a monotonic clock in nanoseconds (tests inject a manual one)
     * @throws IllegalArgumentException if the registry already has metrics with these names
     */
    public HttpMetrics(MetricsRegistry registry, LongSupplier nanoTicker) {
        if (registry == null || nanoTicker == null) {
            throw new IllegalArgumentException("registry and nanoTicker must not be null");
        }
        this.requests = registry.counter("http_requests_total", "HTTP requests handled, by method, route and status.",
                "method", "route", "code");
        this.duration = registry.histogram("http_request_duration_seconds", "HTTP request latency by route.",
                Histogram.DEFAULT_BUCKETS, "route");
        this.nanoTicker = nanoTicker;
    }

    /**
     * Wraps a handler.
     *
     * @param route the route template this handler serves, used as the {@code route} label
     * @param handler the handler to measure
     * @return a handler that calls {@code handler} and records the request
     */
    public HttpHandler instrument(String route, HttpHandler handler) {
        if (route == null || handler == null) {
            throw new IllegalArgumentException("route and handler must not be null");
        }
        Histogram.Child latency = duration.labels(route); // resolved once: the template is fixed
        return exchange -> {
            long start = nanoTicker.getAsLong();
            int code = 500; // stays 500 if the handler throws
            try {
                handler.handle(exchange);
                int sent = exchange.getResponseCode();
                code = sent > 0 ? sent : 500;
            } finally {
                latency.observe((nanoTicker.getAsLong() - start) / 1e9);
                requests.labels(exchange.getRequestMethod(), route, Integer.toString(code)).inc();
            }
        };
    }
}
