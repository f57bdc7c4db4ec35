package dev.opsworkbook.notes.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opsworkbook.testing.LeakCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
@DisplayName("Q42 recipe: a metrics middleware with /metrics (official Prometheus client, loopback)")
class MetricsMiddlewareTest {

    /** The Prometheus client starts one daemon scheduler thread per JVM, on first use, and keeps it. */
    @RegisterExtension
    static final LeakCheck LEAKS = LeakCheck.ignoringThreads("prometheus-metrics-scheduler-\\d+");

    static String get(HttpClient client, int port, String path) throws Exception {
        return send(client, port, "GET", path);
    }

    static String send(HttpClient client, int port, String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String scrape;

    /** One app, one round of traffic, one scrape: both tests read it. */
    @BeforeAll
    static void scrapeAfterTraffic() throws Exception {
        try (MetricsMiddleware app = new MetricsMiddleware(); HttpClient client = HttpClient.newHttpClient()) {
            app.route("/users", ex -> {
                int code = ex.getRequestURI().getPath().equals("/users/404") ? 404 : 200;
                ex.sendResponseHeaders(code, -1);
                ex.close();
            });
            app.route("/boom", ex -> {
                throw new IOException("handler failed");
            });
            for (String path : new String[] {"/users/1", "/users/2", "/users/3", "/users/404"}) {
                get(client, app.port(), path);
            }
            try {                                           // POST: the JDK client retries a GET once on a dropped connection
                send(client, app.port(), "POST", "/boom");
            } catch (IOException expected) {
                // the server closed the exchange without a response; the middleware still counted it
            }
            scrape = get(client, app.port(), "/metrics");
        }
    }

    @Test
    @DisplayName("requests are counted by route, method and status; the raw path never becomes a label")
    void countsByRoute() throws Exception {
        assertThat(scrape).contains(
                "http_requests_total{code=\"200\",method=\"GET\",route=\"/users\"} 3.0",
                "http_requests_total{code=\"404\",method=\"GET\",route=\"/users\"} 1.0",
                "http_requests_total{code=\"500\",method=\"POST\",route=\"/boom\"} 1.0",
                "http_request_duration_seconds_count{route=\"/users\"} 4",
                "http_request_duration_seconds_bucket{route=\"/users\",le=\"+Inf\"} 4",
                "le=\"0.005\"", "le=\"10.0\"");                // the client's default buckets: 5 ms to 10 s
        assertThat(scrape).doesNotContain("/users/1", "/users/404");
    }

    @Test
    @DisplayName("promtool check metrics accepts the scrape (when promtool is installed)")
    void promtoolAccepts() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeTrue(Files.isExecutable(promtool), "promtool is not installed");
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics said:\n%s", out).isZero();
    }
}
