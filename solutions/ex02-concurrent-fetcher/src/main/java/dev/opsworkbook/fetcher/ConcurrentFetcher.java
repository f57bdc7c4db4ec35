package dev.opsworkbook.fetcher;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Fetches many URLs with GET through one shared OkHttp client: a bounded number in flight, a whole-call deadline
 * per attempt, and retries with capped full-jitter backoff.
 *
 * <p>Thread-safe; close it when done (it owns the client's connections and threads).
 */
public final class ConcurrentFetcher implements AutoCloseable {

    private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);
    private static final byte[] NO_BODY = new byte[0];

    private final FetchSettings settings;
    private final Sleeper sleeper;
    private final OkHttpClient client;
    /** The in-flight limit, shared by concurrent fetchAll calls. Held per attempt, never during a backoff. */
    private final Semaphore permits;

    /** Same as {@code new ConcurrentFetcher(settings, Sleeper.SYSTEM)}. */
    public ConcurrentFetcher(FetchSettings settings) {
        this(settings, Sleeper.SYSTEM);
    }

    /**
     * Checks {@code settings} and builds the one OkHttp client every call goes through.
     *
     * @throws IllegalArgumentException if a setting is out of range (see {@link FetchSettings}); the message
     *                                  names the setting and its value
     * @throws NullPointerException     if {@code settings}, one of its durations, or {@code sleeper} is null
     */
    public ConcurrentFetcher(FetchSettings settings, Sleeper sleeper) {
        this.settings = validate(settings);
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.permits = new Semaphore(settings.maxInFlight());
        this.client = new OkHttpClient.Builder()
                // A whole-call deadline. readTimeout restarts at every byte: a drip-feeding server never trips it.
                .callTimeout(settings.callTimeout())
                // Every request on the wire is one of our attempts: counted, budgeted, never silently repeated.
                .retryOnConnectionFailure(false)
                // One idle connection per slot; the default of 5 would reconnect most of every wave.
                .connectionPool(new ConnectionPool(settings.maxInFlight(), 1, TimeUnit.MINUTES))
                .build();
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
        Objects.requireNonNull(urls, "urls");
        Batch batch = new Batch(sleeper.nanoTime() + settings.overallDeadline().toNanos());
        // One virtual thread per URL: blocking execute() is cheap, and the semaphore is the only limit.
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<FetchResult>> futures = new ArrayList<>(urls.size());
            for (String url : urls) {
                futures.add(executor.submit(() -> fetchOne(url, batch)));
            }
            try {
                List<FetchResult> results = new ArrayList<>(urls.size());
                for (Future<FetchResult> future : futures) {
                    results.add(future.get());
                }
                return results;
            } catch (InterruptedException e) {
                batch.cancel();
                executor.shutdownNow(); // wakes threads waiting for a permit or in a backoff
                throw e;
            } catch (ExecutionException e) {
                throw new IllegalStateException("fetchOne never throws", e.getCause());
            }
        }
    }

    @SuppressWarnings("NullAway") // 'last' is set by every attempt, and read only before a retry (attempts > 0)
    private FetchResult fetchOne(String url, Batch batch) {
        long start = System.nanoTime();
        HttpUrl parsed = url == null ? null : HttpUrl.parse(url);
        if (parsed == null) {
            return new FetchResult(url, FetchResult.NO_STATUS, NO_BODY, 0, Duration.ZERO,
                    new IllegalArgumentException("malformed URL: " + url));
        }
        Request request = new Request.Builder().url(parsed).build();
        Outcome last = null;
        int attempts = 0;
        try {
            while (!batch.cancelled) {
                if (attempts > 0) {
                    Duration delay = last.retryAfter() != null ? last.retryAfter()
                            : Backoff.fullJitter(settings.baseDelay(), settings.maxDelay(), attempts,
                                    ThreadLocalRandom.current());
                    // Never wait past the deadline only to give up afterwards; never retry beyond the budget.
                    if (!batch.before(sleeper.nanoTime() + delay.toNanos()) || !batch.tryRetry()) {
                        break;
                    }
                    sleeper.sleep(delay);
                }
                permits.acquire();
                try {
                    if (!batch.before(sleeper.nanoTime())) {
                        break; // the deadline passed while waiting for a slot
                    }
                    if (attempts == 0) {
                        batch.firstAttemptStarted();
                    }
                    attempts++;
                    last = attempt(request, batch);
                } finally {
                    permits.release();
                }
                if (!last.retryable() || attempts >= settings.maxAttempts()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            last = Outcome.failure(e); // fetchAll is being interrupted: nobody reads this result
        }
        if (last == null) {
            last = Outcome.failure(new TimeoutException("the overall deadline passed before the first attempt"));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new FetchResult(url, last.status(), last.body(), attempts, elapsed, last.error());
    }

    private Outcome attempt(Request request, Batch batch) {
        Call call = client.newCall(request);
        // Never run past the overall deadline either.
        long remaining = Math.max(1, batch.deadline - sleeper.nanoTime());
        call.timeout().timeout(Math.min(settings.callTimeout().toNanos(), remaining), TimeUnit.NANOSECONDS);
        batch.register(call);
        try (Response response = execute(call)) { // try-with-resources: the connection goes back to the pool
            byte[] body = response.body().bytes();
            Duration retryAfter = response.code() == 429 || response.code() == 503
                    ? Backoff.retryAfter(response.header("Retry-After"), settings.maxRetryAfter(), Instant.now())
                    : null;
            return new Outcome(response.code(), body, null, RETRYABLE_STATUS.contains(response.code()), retryAfter);
        } catch (IOException e) {
            // Connection reset, empty response, timeout: transient for an idempotent GET.
            return Outcome.failure(e);
        } finally {
            batch.unregister(call);
        }
    }

    /** execute(), not enqueue(): the dispatcher's limits (64 in all, 5 per host) apply only to enqueue(). */
    private static Response execute(Call call) throws IOException {
        return call.execute();
    }

    /** The one OkHttp client every call goes through (tests read its dispatcher and connection pool). */
    public OkHttpClient client() {
        return client;
    }

    /** Closes the client's idle connections and stops its threads. */
    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private static FetchSettings validate(FetchSettings s) {
        Objects.requireNonNull(s, "settings");
        Objects.requireNonNull(s.callTimeout(), "callTimeout");
        Objects.requireNonNull(s.baseDelay(), "baseDelay");
        Objects.requireNonNull(s.maxDelay(), "maxDelay");
        Objects.requireNonNull(s.maxRetryAfter(), "maxRetryAfter");
        Objects.requireNonNull(s.overallDeadline(), "overallDeadline");
        check(s.maxInFlight() >= 1, "maxInFlight must be at least 1, was " + s.maxInFlight());
        check(s.callTimeout().isPositive(), "callTimeout must be positive, was " + s.callTimeout());
        check(s.maxAttempts() >= 1, "maxAttempts must be at least 1, was " + s.maxAttempts());
        check(!s.baseDelay().isNegative(), "baseDelay must not be negative, was " + s.baseDelay());
        check(s.maxDelay().compareTo(s.baseDelay()) >= 0,
                "maxDelay must be at least baseDelay (" + s.baseDelay() + "), was " + s.maxDelay());
        check(!s.maxRetryAfter().isNegative(), "maxRetryAfter must not be negative, was " + s.maxRetryAfter());
        check(s.overallDeadline().isPositive(), "overallDeadline must be positive, was " + s.overallDeadline());
        check(s.retryBudgetRatio() >= 0, "retryBudgetRatio must be zero or more, was " + s.retryBudgetRatio());
        return s;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The outcome of one attempt: a response (any status) or an error. */
    @SuppressWarnings("ArrayRecordComponent") // private, and the body goes into a FetchResult as it is
    private record Outcome(int status, byte[] body, @Nullable Exception error, boolean retryable,
                           @Nullable Duration retryAfter) {
        static Outcome failure(Exception e) {
            return new Outcome(FetchResult.NO_STATUS, NO_BODY, e, true, null);
        }
    }

    /** What the URLs of one fetchAll share: the deadline, the retry budget, the calls to cancel. */
    private final class Batch {
        final long deadline;
        final Set<Call> inFlight = ConcurrentHashMap.newKeySet();
        volatile boolean cancelled;
        private long firstAttempts;
        private long retries;

        Batch(long deadline) {
            this.deadline = deadline;
        }

        boolean before(long nanoTime) {
            return nanoTime - deadline < 0;
        }

        synchronized void firstAttemptStarted() {
            firstAttempts++;
        }

        /** Takes one retry from the budget, if any is left. */
        synchronized boolean tryRetry() {
            if (retries + 1 > settings.retryBudgetRatio() * firstAttempts) {
                return false;
            }
            retries++;
            return true;
        }

        void register(Call call) {
            inFlight.add(call);
            if (cancelled) { // cancel() may have run between newCall and add
                call.cancel();
            }
        }

        void unregister(Call call) {
            inFlight.remove(call);
        }

        void cancel() {
            cancelled = true;
            inFlight.forEach(Call::cancel);
        }
    }
}
