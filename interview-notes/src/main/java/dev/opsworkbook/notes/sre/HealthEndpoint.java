package dev.opsworkbook.notes.sre;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * Q37: the standard health payload {@code {"status":"ok","version":…,"dependencies":{…}}} on {@code /healthz}
 * (readiness: checks the dependencies, each under a deadline) and a {@code /livez} that checks nothing.
 */
public final class HealthEndpoint implements AutoCloseable {

    // @start region=payload
    /** Lower case on purpose: the constants are the JSON values. */
    enum DependencyState { up, degraded, down }

    /** One dependency check. It may block; it gets a deadline, and throwing counts as down. */
    @FunctionalInterface
    interface Check {
        DependencyState check() throws Exception;
    }

    /** A dependency, and whether the service can serve without it (then its failure only degrades). */
    record Dependency(String name, boolean critical, Check check) {
    }

    /** The payload. Field order and names are the contract that dashboards and probes parse. */
    record Health(String status, String version, Map<String, DependencyState> dependencies) {
    }

    Health health() {
        List<Future<DependencyState>> running = dependencies.stream()
                .map(d -> checks.submit(d.check()::check)).toList();   // all in parallel, one deadline
        long deadline = System.nanoTime() + checkTimeout.toNanos();
        Map<String, DependencyState> states = new LinkedHashMap<>();
        String status = "ok";
        for (int i = 0; i < dependencies.size(); i++) {
            Dependency d = dependencies.get(i);
            DependencyState state = await(running.get(i), deadline);
            states.put(d.name(), state);
            if (state == DependencyState.down && d.critical()) {
                status = "down";
            } else if (state != DependencyState.up && !status.equals("down")) {
                status = "degraded";
            }
        }
        return new Health(status, version, states);
    }

    private static DependencyState await(Future<DependencyState> f, long deadline) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DependencyState.down;
        } catch (Exception e) {                            // failed or too slow: down, and stop waiting for it
            f.cancel(true);
            return DependencyState.down;
        }
    }
    // @end region=payload

    private final String version;
    private final List<Dependency> dependencies;
    private final Duration checkTimeout;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpServer server;

    HealthEndpoint(String version, List<Dependency> dependencies, Duration checkTimeout) throws IOException {
        this.version = version;
        this.dependencies = List.copyOf(dependencies);
        this.checkTimeout = checkTimeout;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(checks);
        // @start region=routes
        server.createContext("/healthz", exchange -> {      // readiness: may the load balancer send traffic?
            Health health = health();
            send(exchange, health.status().equals("down") ? 503 : 200, json.writeValueAsBytes(health));
        });
        server.createContext("/livez", exchange ->          // liveness: is the process stuck? never checks dependencies
                send(exchange, 200, json.writeValueAsBytes(Map.of("status", "ok"))));
        // @end region=routes
        server.start();
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    String healthJson() {
        return new String(json.writeValueAsBytes(health()), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        checks.shutdownNow();                              // a hung check must not keep the executor open
        checks.close();
    }
}
