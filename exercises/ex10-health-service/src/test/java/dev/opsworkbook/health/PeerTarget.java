package dev.opsworkbook.health;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the maintainers' peer scripts ({@code scripts/peers/ex10-health-service-*.sh}) run: the service with real
 * checks against real things on loopback — a healthy HTTP dependency, a TCP port, the disk, and one dependency that
 * accepts connections and never answers (hung, not critical, 200 ms timeout; the others 1 s) — and, beside it, a bare
 * {@code HttpServer} whose handler answers 200 with nothing else (the floor for {@code /livez}). Results are fresh
 * for 1 s and served up to 5 s old. Writes "SERVICE_PORT BARE_PORT" to the file named by its argument, and serves
 * until its standard input closes. Not part of the grading.
 */
public final class PeerTarget {

    private PeerTarget() {
    }

    public static void main(String[] args) throws Exception {
        // The load test measures the service, not a console: without a configuration Logback writes every access
        // line to stdout at DEBUG, synchronously, which costs more than the handler itself. WARN and above only.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        List<AutoCloseable> open = new ArrayList<>();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer dependency = bare(threads, "{\"ok\":true}");
        HttpServer floor = bare(threads, "{\"status\":\"ok\"}");
        ServerSocket hung = new ServerSocket(0, 1000, loopback);
        Thread.ofVirtual().start(() -> holdConnections(hung, open));
        HttpClient client = HttpClient.newHttpClient();
        // A cold HttpClient's first request loads classes for longer than the checks' timeout: warm it up first.
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dependency.getAddress().getPort() + "/"))
                .build(), HttpResponse.BodyHandlers.discarding());
        // The healthy dependencies get 1 s (a loaded CI machine must not turn them into 503s); the hung one 200 ms.
        Duration healthy = Duration.ofSeconds(1);
        Duration hungTimeout = Duration.ofMillis(200);
        List<HealthCheck> checks = List.of(
                new HttpDependencyCheck("api", true, healthy, client,
                        URI.create("http://127.0.0.1:" + dependency.getAddress().getPort() + "/ping")),
                new TcpPortCheck("tcp", true, healthy, new InetSocketAddress(loopback, dependency.getAddress().getPort())),
                new DiskSpaceCheck("disk", false, healthy, Path.of(System.getProperty("java.io.tmpdir")), 0, 0),
                new RedisHealthCheck("hung_redis", false, hungTimeout,
                        new InetSocketAddress(loopback, hung.getLocalPort())));
        Settings settings = Settings.defaults().withVersion("peer")
                .withCache(Duration.ofSeconds(1), Duration.ofSeconds(5))
                .withDrain(Duration.ZERO, Duration.ofSeconds(5))
                .withConfig(Map.of("db.password", "not-shown", "listen.port", "0"));
        try (HealthService service = HealthService.start(settings, checks)) {
            Files.writeString(Path.of(args[0]), service.port() + " " + floor.getAddress().getPort() + "\n",
                    StandardCharsets.US_ASCII);
            while (System.in.read() >= 0) {
                // serve until the peer script closes our stdin
            }
        } finally {
            dependency.stop(0);
            floor.stop(0);
            hung.close();
            synchronized (open) {
                for (AutoCloseable c : open) {
                    c.close();
                }
            }
            client.close();
            threads.shutdownNow();
        }
    }

    private static HttpServer bare(ExecutorService threads, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.setExecutor(threads);
        server.start();
        return server;
    }

    /** Accepts every connection and never answers: a dependency that hangs. */
    private static void holdConnections(ServerSocket server, List<AutoCloseable> open) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (open) {
                    open.add(s);
                }
            } catch (IOException e) {
                return;
            }
        }
    }
}
