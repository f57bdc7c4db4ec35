package dev.opsworkbook.notes.sre;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.notes.sre.HealthEndpoint.Dependency;
import dev.opsworkbook.notes.sre.HealthEndpoint.DependencyState;
import dev.opsworkbook.testing.LeakCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q37: the standard health payload on /healthz, and a /livez that checks nothing")
class HealthEndpointTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    final CountDownLatch neverAnswers = new CountDownLatch(1);

    DependencyState hang() throws InterruptedException {
        neverAnswers.await(30, TimeUnit.SECONDS);
        return DependencyState.up;
    }

    static HttpResponse<String> get(HealthEndpoint endpoint, String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    @DisplayName("all dependencies up: 200 and exactly {status, version, dependencies}")
    void allUp() throws Exception {
        try (HealthEndpoint endpoint = new HealthEndpoint("v1.2.3", List.of(
                new Dependency("db", true, () -> DependencyState.up),
                new Dependency("redis", false, () -> DependencyState.up)), Duration.ofSeconds(5))) {
            HttpResponse<String> response = get(endpoint, "/healthz");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(response.body())
                    .isEqualTo("{\"status\":\"ok\",\"version\":\"v1.2.3\",\"dependencies\":{\"db\":\"up\",\"redis\":\"up\"}}");
        }
    }

    @Test
    @DisplayName("an optional dependency down or degraded: 200 with status degraded")
    void optionalDownDegrades() throws Exception {
        try (HealthEndpoint endpoint = new HealthEndpoint("v1.2.3", List.of(
                new Dependency("db", true, () -> DependencyState.degraded),
                new Dependency("redis", false, () -> {
                    throw new java.io.IOException("connection refused");
                })), Duration.ofSeconds(5))) {
            HttpResponse<String> response = get(endpoint, "/healthz");
            JsonNode body = JSON.readTree(response.body());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body.get("status").asString()).isEqualTo("degraded");
            assertThat(body.get("dependencies").get("db").asString()).isEqualTo("degraded");
            assertThat(body.get("dependencies").get("redis").asString()).isEqualTo("down");
        }
    }

    @Test
    @DisplayName("a critical dependency that hangs is down after the check deadline: 503, while /livez stays 200")
    void hungCriticalIsDown() throws Exception {
        try (HealthEndpoint endpoint = new HealthEndpoint("v1.2.3", List.of(
                new Dependency("db", true, this::hang),
                new Dependency("redis", false, () -> DependencyState.up)), Duration.ofMillis(200))) {
            HttpResponse<String> response = get(endpoint, "/healthz");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(response.body()).get("status").asString()).isEqualTo("down");
            assertThat(endpoint.healthJson()).startsWith("{\"status\":\"down\",\"version\":\"v1.2.3\",")
                    .contains("\"db\":\"down\"");        // redis may be up or late under load: not asserted
            HttpResponse<String> live = get(endpoint, "/livez");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"status\":\"ok\"}");
        } finally {
            neverAnswers.countDown();
        }
    }
}
