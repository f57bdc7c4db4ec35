package dev.opsworkbook.notes.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.opsworkbook.notes.reliability.Retry;
import dev.opsworkbook.testing.LeakCheck;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@DisplayName("Q44 recipe: an HTTP client with retries for idempotent calls (loopback server, fake sleeper)")
class RetryingHttpClientTest {

    HttpServer server;
    ExecutorService serverThreads;
    HttpClient http;
    final AtomicInteger hits = new AtomicInteger();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    RetryingHttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(serverThreads);
        server.createContext("/flaky", ex -> {            // 503, 503 (Retry-After: 2), then 200
            int n = hits.incrementAndGet();
            if (n == 2) {
                ex.getResponseHeaders().set("Retry-After", "2");
            }
            ex.sendResponseHeaders(n <= 2 ? 503 : 200, -1);
            ex.close();
        });
        server.createContext("/down", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.createContext("/missing", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // the seed's urllib3 Retry(total=5, backoff_factor=0.2): 5 attempts, 200 ms base; plus a cap and a deadline
        Retry retry = new Retry(5, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30),
                RetryingHttpClient::retryable, System::nanoTime, sleeps::add, RandomGenerator.getDefault());
        client = new RetryingHttpClient(http, retry);
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(0);
        serverThreads.close();
    }

    HttpRequest request(String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
    }

    @Test
    @DisplayName("GET through 503, 503 succeeds on the third attempt and waits the server's Retry-After of 2 s")
    void retriesIdempotentCalls() throws Exception {
        HttpResponse<String> response = client.send(request("GET", "/flaky"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(hits).hasValue(3);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(200));
        assertThat(sleeps.get(1)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    @DisplayName("POST is sent once: the 503 comes back to the caller, not retried")
    void postIsNotRetried() throws Exception {
        assertThat(client.send(request("POST", "/flaky")).statusCode()).isEqualTo(503);
        assertThat(hits).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    @DisplayName("a service that stays down gets 5 attempts, then the caller sees HTTP 503")
    void givesUpAfterFiveAttempts() {
        assertThatThrownBy(() -> client.send(request("GET", "/down"))).hasMessage("HTTP 503");
        assertThat(hits).hasValue(5);
        assertThat(sleeps).hasSize(4);
    }

    @Test
    @DisplayName("a 404 is returned at once: retrying cannot fix it")
    void clientErrorsAreNotRetried() throws Exception {
        assertThat(client.send(request("GET", "/missing")).statusCode()).isEqualTo(404);
        assertThat(hits).hasValue(1);
    }
}
