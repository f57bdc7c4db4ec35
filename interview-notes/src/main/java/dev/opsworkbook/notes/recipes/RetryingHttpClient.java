package dev.opsworkbook.notes.recipes;

import dev.opsworkbook.notes.reliability.Retry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * Q44: an HTTP client with retries, the Java version of a {@code requests.Session} with a urllib3 {@code Retry}
 * adapter: one shared {@link HttpClient} (connection pool, Q8) plus {@link Retry} (capped full jitter, Retry-After,
 * an overall deadline, Q9), applied only to idempotent methods.
 */
final class RetryingHttpClient {

    // @start region=client
    static final Set<Integer> RETRY_STATUSES = Set.of(429, 500, 502, 503, 504);
    static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

    private final HttpClient client;                       // shared: one pool of connections for every call
    private final Retry retry;

    RetryingHttpClient(HttpClient client, Retry retry) {
        this.client = client;
        this.retry = retry;
    }

    /** Sends once for POST/PATCH (a retry could charge twice); retries idempotent methods on 429/5xx and I/O errors. */
    HttpResponse<String> send(HttpRequest request) throws Exception {
        if (!IDEMPOTENT.contains(request.method())) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return retry.call(() -> {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (RETRY_STATUSES.contains(response.statusCode())) {
                Duration after = response.headers().firstValue("Retry-After")
                        .flatMap(Retry::parseRetryAfterSeconds).orElse(Duration.ZERO);
                throw new Retry.RetryAfterException("HTTP " + response.statusCode(), after); // Retry honours `after`
            }
            return response;                               // 2xx, and 4xx other than 429: retrying will not help
        });
    }

    /** What {@link Retry} may retry: the statuses above and connection-level failures (resets, timeouts). */
    static boolean retryable(Exception e) {
        return e instanceof Retry.RetryAfterException || e instanceof IOException;
    }
    // @end region=client
}
