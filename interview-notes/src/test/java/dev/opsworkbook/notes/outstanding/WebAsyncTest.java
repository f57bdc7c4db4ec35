package dev.opsworkbook.notes.outstanding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.LeakCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q35: blocking handlers on a dispatcher thread vs a virtual thread per request")
class WebAsyncTest {

    static final int REQUESTS = 20;

    static List<HttpResponse<String>> fire(int port) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/work"))
                    .timeout(Duration.ofSeconds(30)).build();
            List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, REQUESTS)
                    .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString())).toList();
            return calls.stream().map(CompletableFuture::join).toList();
        }
    }

    @Test
    @DisplayName("by default 20 concurrent requests run one at a time, on the dispatcher thread")
    void defaultExecutorSerialises() throws Exception {
        try (WebAsync server = new WebAsync(false, () -> Thread.sleep(5))) {
            List<HttpResponse<String>> responses = fire(server.port());
            assertThat(responses).extracting(HttpResponse::body).allMatch(b -> b.startsWith("HTTP-Dispatcher"));
            assertThat(server.peakConcurrentHandlers()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("with a virtual thread per request, all 20 handlers are blocked at the same time")
    void virtualThreadPerRequest() throws Exception {
        CountDownLatch allIn = new CountDownLatch(REQUESTS);
        BlockingCall barrier = () -> {
            allIn.countDown();
            if (!allIn.await(20, TimeUnit.SECONDS)) {   // opens only when all 20 are inside a handler
                throw new AssertionError("fewer than 20 handlers ran at once");
            }
        };
        try (WebAsync server = new WebAsync(true, barrier)) {
            List<HttpResponse<String>> responses = fire(server.port());
            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
            assertThat(responses).extracting(HttpResponse::body).containsOnly("virtual");
            assertThat(server.peakConcurrentHandlers()).isEqualTo(REQUESTS);
        }
    }

    interface BlockingCall extends WebAsync.BlockingCall {
    }
}
