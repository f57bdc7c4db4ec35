package dev.opsworkbook.fetcher;

import java.util.List;
import okhttp3.OkHttpClient;

/**
 * Fetches many URLs with GET through one shared OkHttp client: a bounded number in flight, a whole-call deadline
 * per attempt, and retries with capped full-jitter backoff.
 *
 * <p>Thread-safe; close it when done (it owns the client's connections and threads).
 */
public final class ConcurrentFetcher implements AutoCloseable {

    /** Same as {@code new ConcurrentFetcher(settings, Sleeper.SYSTEM)}. */
    public ConcurrentFetcher(FetchSettings settings) {
        throw new UnsupportedOperationException("TODO: delegate to the other constructor");
    }

    /**
     * Checks {@code settings} and builds the one OkHttp client every call goes through.
     *
     * @throws IllegalArgumentException if a setting is out of range (see {@link FetchSettings}); the message
     *                                  names the setting and its value
     * @throws NullPointerException     if {@code settings}, one of its durations, or {@code sleeper} is null
     */
    public ConcurrentFetcher(FetchSettings settings, Sleeper sleeper) {
        throw new UnsupportedOperationException("TODO: validate the settings and build the client (task 1, task 6)");
    }

    /**
     * Fetches every URL with GET and returns one result per URL, in the order of {@code urls}.
     *
     * <ul>
     *   <li>At most {@code maxInFlight} requests are on the wire at any moment, retries included, and that many are
     *       when there is enough work (a URL waiting out its backoff is not on the wire).</li>
     *   <li>Each attempt has a whole-call deadline of {@code callTimeout}, however slowly the server sends.</li>
     *   <li>Retried (up to {@code maxAttempts} attempts in all): 429, 502, 503, 504, an I/O error (connection
     *       reset, empty response) and a timeout. Not retried: any other status, such as 200, 400, 401, 403,
     *       404 or 500.</li>
     *   <li>The delay before retry n (n = 1 for the first retry) is drawn uniformly from
     *       {@code [0, min(maxDelay, baseDelay·2^(n-1))]} and waited through the {@link Sleeper}; a
     *       {@code Retry-After} header on a 429 or 503 (delta-seconds or HTTP-date) replaces it, clamped to
     *       {@code [0, maxRetryAfter]} however large.</li>
     *   <li>No attempt starts (not even one that waited for a slot), and no delay is waited, past
     *       {@code overallDeadline} from the start of each call (measured with {@link Sleeper#nanoTime()}); the URL
     *       keeps its last outcome.</li>
     *   <li>With a finite {@code retryBudgetRatio}, the batch's retries never exceed that ratio times the first
     *       attempts started so far.</li>
     *   <li>A malformed URL becomes that entry's {@code IllegalArgumentException} error, with 0 attempts.</li>
     *   <li>Every response body is closed; when this method returns or throws, no call is running and no
     *       connection is in use.</li>
     * </ul>
     *
     * @throws InterruptedException if the calling thread is interrupted; every in-flight call has been cancelled,
     *                              and has ended, by the time it is thrown
     * @throws NullPointerException if {@code urls} is null
     */
    public List<FetchResult> fetchAll(List<String> urls) throws InterruptedException {
        throw new UnsupportedOperationException("TODO: fetch every URL (see the README, tasks 1-5)");
    }

    /** The one OkHttp client every call goes through (tests read its dispatcher and connection pool). */
    public OkHttpClient client() {
        throw new UnsupportedOperationException("TODO: return the shared client");
    }

    /** Closes the client's idle connections and stops its threads. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO: release the client's connections and threads");
    }
}
