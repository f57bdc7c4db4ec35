package dev.opsworkbook.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Warms up the JDK's HTTP server and client for suites that talk HTTP on loopback. */
public final class HttpWarmUp {

    private HttpWarmUp() {
    }

    /**
     * Loads and starts the JDK's HTTP server and client once, with one request between them: on a busy machine
     * their first use takes seconds, which must not count against the timeout of whichever HTTP test runs first.
     * Call it from a {@code @BeforeAll} with a generous {@code @Timeout}.
     */
    public static void jdkServerAndClient() throws IOException, InterruptedException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try (HttpClient warm = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            warm.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                    .timeout(Duration.ofSeconds(50)).build(), HttpResponse.BodyHandlers.discarding());
        } finally {
            server.stop(0);
        }
    }
}
