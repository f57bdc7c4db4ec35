package dev.opsworkbook.notes.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Q8: one HTTP client for the whole service, so TCP (and TLS) connections are pooled and reused. */
public final class SharedHttpClient implements AutoCloseable {

    // @start region=client
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)          // or HTTP_2: one multiplexed connection per host
            .connectTimeout(Duration.ofSeconds(2))          // TCP connect only
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();                                       // thread-safe: share it, never build per request

    public String get(URI uri, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)                           // until the response headers arrive
                .header("User-Agent", "ops-bot/1.0")
                .GET()
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IOException("GET " + uri + " -> " + response.statusCode());
        }
        return response.body();                             // body fully read: the connection goes back to the pool
    }

    @Override
    public void close() {
        client.close();                                     // JDK 21+: waits for in-flight requests, frees the pool
    }
    // @end region=client

    // @start region=anti-pattern
    /** The anti-pattern: a client per call opens a new TCP connection (and TLS handshake) every time. */
    static String getWithNewClient(URI uri) throws IOException, InterruptedException {
        try (HttpClient perCall = HttpClient.newHttpClient()) {
            return perCall.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }
    // @end region=anti-pattern
}
