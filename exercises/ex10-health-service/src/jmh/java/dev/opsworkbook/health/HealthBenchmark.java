package dev.opsworkbook.health;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * One request on loopback through the JDK HttpClient, next to the floor: a bare {@code HttpServer} on virtual threads
 * whose handler answers 200 with a constant body. Methods are named {@code <scenario>_<impl>}; impls starting with
 * {@code baseline} are what the report divides by.
 *
 * <ul>
 *   <li>{@code livez}: {@code GET /livez} — request id, MDC, route, metrics and access log around a constant answer.
 *       The target is at most 1.25x the floor's time per request (0.8x its requests/s).</li>
 *   <li>{@code healthz}: {@code GET /healthz} with four checks whose results are cached (no check runs while
 *       measuring): the cost of the cache lookup and of the JSON payload.</li>
 * </ul>
 *
 * <p>Logging is at WARN: the access log is built but written nowhere, so the figures compare the code, not a console.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Threads(4)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HealthBenchmark {

    private HealthService service;
    private HttpServer floor;
    private ExecutorService floorThreads;
    private HttpClient client;
    private HttpRequest livez;
    private HttpRequest healthz;
    private HttpRequest bare;

    @Setup
    public void setUp() throws IOException {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        List<HealthCheck> checks = List.of(FakeCheck.up("db", true), FakeCheck.up("cache", false),
                FakeCheck.up("api", true), FakeCheck.up("disk", false));
        service = HealthService.start(Settings.defaults().withVersion("bench")
                .withCache(Duration.ofHours(1), Duration.ofHours(2)).withDrain(Duration.ZERO, Duration.ofSeconds(5)),
                checks);
        floorThreads = Executors.newVirtualThreadPerTaskExecutor();
        floor = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        byte[] ok = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
        floor.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        floor.setExecutor(floorThreads);
        floor.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        livez = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/livez")).build();
        healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/healthz")).build();
        bare = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + floor.getAddress().getPort() + "/")).build();
    }

    @TearDown
    public void tearDown() {
        client.close();
        service.close();
        floor.stop(0);
        floorThreads.shutdownNow();
    }

    @Benchmark
    public int livez_service() throws IOException, InterruptedException {
        return client.send(livez, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Benchmark
    public int livez_baselineBareHttpServer() throws IOException, InterruptedException {
        return client.send(bare, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Benchmark
    public int healthz_service() throws IOException, InterruptedException {
        return client.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Benchmark
    public int healthz_baselineBareHttpServer() throws IOException, InterruptedException {
        return client.send(bare, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
