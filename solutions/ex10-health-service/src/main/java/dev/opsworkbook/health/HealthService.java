package dev.opsworkbook.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The health service: {@code /livez}, {@code /readyz}, {@code /healthz}, {@code /metrics} and {@code /config} on the
 * JDK's HTTP server, one virtual thread per request. Everything it uses is handed to {@link #start}; nothing is
 * static but the loggers, so a test can run several services with fakes side by side.
 */
public final class HealthService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthService.class);
    private static final Logger accessLog = LoggerFactory.getLogger(Settings.ACCESS_LOG);
    private static final Pattern CHECK_NAME = Pattern.compile("[a-z0-9_]{1,64}");
    private static final String JSON = "application/json";

    /** The route templates, which label the request metrics; any other path is {@code unmatched}. */
    private enum Route {
        LIVEZ("/livez"), READYZ("/readyz"), HEALTHZ("/healthz"), METRICS("/metrics"), CONFIG("/config"),
        UNMATCHED("unmatched");

        final String template;

        Route(String template) {
            this.template = template;
        }

        static Route of(String rawPath) {
            for (Route r : values()) {
                if (r.template.equals(rawPath)) {
                    return r;
                }
            }
            return UNMATCHED;
        }
    }

    /** What a route answers: status, content type and the whole body (every body here is small). */
    private static final class Response {
        final int status;
        final String contentType;
        final byte[] body;

        Response(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        static Response json(int status, String body) {
            return new Response(status, JSON, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Settings settings;
    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final CheckRunner checks;
    private final HealthMetrics metrics;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private HealthService(Settings settings, HttpServer server, ExecutorService requestThreads, CheckRunner checks,
                          HealthMetrics metrics) {
        this.settings = settings;
        this.server = server;
        this.requestThreads = requestThreads;
        this.checks = checks;
        this.metrics = metrics;
    }

    /** Starts listening on the loopback address; the service answers as soon as this returns. */
    public static HealthService start(Settings settings, List<HealthCheck> checks) throws IOException {
        Set<String> names = new HashSet<>();
        for (HealthCheck check : checks) {
            if (!CHECK_NAME.matcher(check.name()).matches() || !names.add(check.name())) {
                throw new IllegalArgumentException("check names must be unique and match [a-z0-9_]{1,64}: '"
                        + check.name() + "'");
            }
        }
        HealthMetrics metrics = new HealthMetrics();
        CheckRunner runner = new CheckRunner(checks, settings, metrics);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
        ExecutorService requestThreads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(requestThreads);
        HealthService service = new HealthService(settings, server, requestThreads, runner, metrics);
        server.createContext("/", service::handle);
        server.start();
        return service;
    }

    /** The port the service listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The middleware and the router: request id in, MDC for exactly this request, the route's answer, then the
     * metrics and the one access-log event, still under the request's id.
     */
    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String requestId = RequestIds.acceptOrGenerate(exchange.getRequestHeaders().getFirst(Settings.REQUEST_ID_HEADER));
        Route route = Route.of(exchange.getRequestURI().getRawPath());
        try (MDC.MDCCloseable ignored = MDC.putCloseable(Settings.MDC_REQUEST_ID, requestId)) {
            int status;
            try (exchange) {
                Response response = respond(route, exchange.getRequestMethod(), requestId);
                exchange.getResponseHeaders().set(Settings.REQUEST_ID_HEADER, requestId);
                exchange.getResponseHeaders().set("Content-Type", response.contentType);
                if (response.status == 405) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                }
                status = response.status;
                exchange.sendResponseHeaders(status, response.body.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(response.body);
                }
            } catch (IOException e) {
                status = 499; // the client went away before the answer was written
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = 503;
            } catch (RuntimeException e) {
                log.error("request failed", e);
                status = 500;
            }
            long nanos = System.nanoTime() - started;
            metrics.requestServed(route.template, status, nanos);
            accessLog.atInfo()
                    .addKeyValue("method", exchange.getRequestMethod())
                    .addKeyValue("route", route.template)
                    .addKeyValue("status", status)
                    .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(nanos))
                    .log("request");
        }
    }

    private Response respond(Route route, String method, String requestId) throws IOException, InterruptedException {
        if (route == Route.UNMATCHED) {
            return Response.json(404, "{\"error\":\"not found\"}");
        }
        if (!method.equals("GET")) {
            return Response.json(405, "{\"error\":\"method not allowed\"}");
        }
        return switch (route) {
            // The process answering is the whole of liveness: a dependency here would restart every instance at once.
            case LIVEZ -> Response.json(200, "{\"status\":\"ok\"}");
            case READYZ -> readiness(requestId);
            case HEALTHZ -> health(requestId);
            case METRICS -> new Response(200, metrics.contentType(), metrics.scrape());
            case CONFIG -> config();
            case UNMATCHED -> throw new AssertionError("handled above");
        };
    }

    private Response readiness(String requestId) throws InterruptedException {
        if (draining.get()) {
            return Response.json(503, "{\"status\":\"draining\"}");
        }
        boolean criticalDown = checks.current(requestId).stream()
                .anyMatch(r -> r.check().critical() && r.status() == Status.DOWN);
        return criticalDown ? Response.json(503, "{\"status\":\"not ready\"}") : Response.json(200, "{\"status\":\"ready\"}");
    }

    private Response health(String requestId) throws InterruptedException {
        List<CheckResult> results = checks.current(requestId);
        boolean criticalDown = results.stream().anyMatch(r -> r.check().critical() && r.status() == Status.DOWN);
        boolean allUp = results.stream().allMatch(r -> r.status() == Status.UP);
        String overall = criticalDown ? "down" : allUp ? "ok" : "degraded";
        StringBuilder json = new StringBuilder(256).append("{\"status\":");
        JsonText.quote(json, overall).append(",\"version\":");
        JsonText.quote(json, settings.version()).append(",\"dependencies\":{");
        String sep = "";
        for (CheckResult r : results) {
            JsonText.quote(json.append(sep), r.check().name()).append(':');
            JsonText.quote(json, r.status().json());
            sep = ",";
        }
        json.append("},\"checks\":{");
        sep = "";
        for (CheckResult r : results) {
            JsonText.quote(json.append(sep), r.check().name()).append(":{\"status\":");
            JsonText.quote(json, r.status().json())
                    .append(",\"critical\":").append(r.check().critical())
                    .append(",\"latency_ms\":").append(r.latencyMillis());
            if (r.error() != null) {
                JsonText.quote(json.append(",\"error\":"), r.error());
            }
            json.append('}');
            sep = ",";
        }
        json.append("}}");
        return Response.json(criticalDown ? 503 : 200, json.toString());
    }

    private Response config() {
        StringBuilder json = new StringBuilder(256).append('{');
        String sep = "";
        for (Map.Entry<String, String> e : ConfigMasking.masked(settings.config()).entrySet()) {
            JsonText.quote(json.append(sep), e.getKey()).append(':');
            JsonText.quote(json, e.getValue());
            sep = ",";
        }
        return Response.json(200, json.append('}').toString());
    }

    /**
     * Drains and stops: {@code /readyz} turns 503 at once, connections are still accepted for the drain period (the
     * load balancer needs that long to stop sending), then the listener closes and requests in flight get up to the
     * drain deadline to finish. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        draining.set(true);
        log.atInfo().addKeyValue("drain_period_ms", settings.drainPeriod().toMillis()).log("draining");
        try {
            Thread.sleep(settings.drainPeriod());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop draining early, but still stop cleanly
        }
        long deadline = System.nanoTime() + settings.drainDeadline().toNanos();
        // stop() closes the listener, then waits for the exchanges in flight (whole seconds; at least 1).
        server.stop((int) Math.max(1, (settings.drainDeadline().toMillis() + 999) / 1000));
        // An exchange ends when its body is written; its handler still records the metrics and the access line.
        requestThreads.shutdown();
        try {
            if (!requestThreads.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                log.warn("requests still running at the drain deadline: interrupted");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        requestThreads.shutdownNow();
        checks.close();
        log.info("stopped");
    }
}
