package dev.opsworkbook.notes.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opsworkbook.testing.LeakCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@DisplayName("Q8: one shared HTTP client reuses its connections (loopback server)")
class SharedHttpClientTest {

    HttpServer server;
    ExecutorService serverThreads;
    final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    final CountDownLatch releaseSlow = new CountDownLatch(1);
    URI base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(serverThreads);
        server.createContext("/ok", ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort()); // one client port = one TCP connection
            reply(ex, 200, "ok");
        });
        server.createContext("/slow", ex -> {
            try {
                releaseSlow.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "late");
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterEach
    void stop() {
        releaseSlow.countDown();
        server.stop(0);
        serverThreads.close();
    }

    @Test
    @DisplayName("20 sequential requests through the shared client use a single TCP connection")
    void sharedClientReusesOneConnection() throws Exception {
        try (SharedHttpClient client = new SharedHttpClient()) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.get(base.resolve("/ok"), Duration.ofSeconds(5))).isEqualTo("ok");
            }
        }
        assertThat(clientPorts).as("distinct client ports seen by the server").hasSize(1);
    }

    @Test
    @DisplayName("a new client per request opens a new connection every time")
    void clientPerRequestOpensNewConnections() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(SharedHttpClient.getWithNewClient(base.resolve("/ok"))).isEqualTo("ok");
        }
        assertThat(clientPorts).hasSize(5);
    }

    @Test
    @DisplayName("the per-request timeout fails a hung call instead of waiting forever")
    void requestTimeout() {
        try (SharedHttpClient client = new SharedHttpClient()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.get(base.resolve("/slow"), Duration.ofMillis(300)))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            releaseSlow.countDown(); // let the server finish so close() has nothing in flight
        }
    }
}
