package dev.opsworkbook.fetcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import dev.opsworkbook.testing.InFlightHttpServer;
import dev.opsworkbook.testing.InFlightHttpServer.Reply;
import dev.opsworkbook.testing.LeakCheck;
import dev.opsworkbook.testing.Wording;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The grading suite of ex02 concurrent-fetcher. Every test talks HTTP to a real server on loopback: an
 * {@link InFlightHttpServer} (counts the requests in flight, one virtual thread per request) or WireMock (connection
 * resets and empty responses). Backoff delays go through a {@link RecordingSleeper}, which records them and moves
 * its own clock instead of sleeping.
 */
@DisplayName("ex02 concurrent-fetcher: 1,000 URLs, a bounded number in flight, retries that do not stampede")
class ConcurrentFetcherTest {

    /**
     * OkHttp's task runner and Okio's timeout watchdog are JVM-wide threads that idle for a minute after use; Jetty
     * (inside WireMock) pools its threads. None of them belongs to one test.
     */
    @RegisterExtension
    static final LeakCheck LEAKS = LeakCheck.ignoringThreads("OkHttp TaskRunner.*", "Okio Watchdog", "qtp.*",
            "Scheduler-.*", "Connector-Scheduler-.*", "WireMock.*");

    /** Fast retries by default: the recording sleeper never sleeps anyway. */
    static final FetchSettings FAST = FetchSettings.defaults()
            .withCallTimeout(Duration.ofSeconds(5))
            .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200));

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: fetch every URL, results in input order")
    class FetchEverything {

        @Test
        @Timeout(60) // 300 URLs: on a loaded machine this takes longer than the default 10 s, and its speed is not graded
        @Points(8)
        @Hint("Keep a slot per input index (or a Future per URL, in input order); completion order is random.")
        @DisplayName("every URL is fetched once; results come back in input order with status, body, attempts and"
                + " elapsed time")
        void resultsInInputOrder() throws Exception {
            try (var server = InFlightHttpServer.start((request, s) -> {
                Thread.sleep(ThreadLocalRandom.current().nextInt(30)); // shuffle the completion order
                int i = Integer.parseInt(request.path().substring("/item/".length()));
                return Reply.text(i % 7 == 0 ? 404 : 200, "item-" + i);
            }); var fetcher = new ConcurrentFetcher(FAST.withCallTimeout(Duration.ofSeconds(30)), new RecordingSleeper())) {
                // A call timeout no answer of a loaded machine comes near: every URL answers at once, in one attempt.
                List<String> urls = IntStream.range(0, 300).mapToObj(i -> server.url("/item/" + i)).toList();

                List<FetchResult> results = fetcher.fetchAll(urls);

                assertThat(results).as("one result per URL").hasSize(urls.size());
                for (int i = 0; i < urls.size(); i++) {
                    FetchResult r = results.get(i);
                    assertThat(r.url()).as("results[%d].url() (results must be in input order)", i)
                            .isEqualTo(urls.get(i));
                    assertThat(r.status()).as("results[%d].status()", i).isEqualTo(i % 7 == 0 ? 404 : 200);
                    assertThat(r.bodyText()).as("results[%d].bodyText()", i).isEqualTo("item-" + i);
                    assertThat(r.attempts()).as("results[%d].attempts()", i).isEqualTo(1);
                    assertThat(r.error()).as("results[%d].error() (a response was received)", i).isNull();
                    assertThat(r.elapsed()).as("results[%d].elapsed()", i).isNotNull()
                            .isBetween(Duration.ZERO, Duration.ofSeconds(30));
                }
                assertThat(server.requests()).as("requests the server received for %d URLs", urls.size())
                        .isEqualTo(urls.size());
            }
        }

        @Test
        @Points(4)
        @Hint("Parse each URL on its own (HttpUrl.parse returns null for a bad one) and turn a bad one into that"
                + " entry's error, not an exception for the whole batch.")
        @DisplayName("a malformed URL becomes that entry's IllegalArgumentException; the other URLs are fetched")
        void malformedUrlsAreEntryErrors() throws Exception {
            try (var server = InFlightHttpServer.start((request, s) -> Reply.text(200, "fine"));
                 var fetcher = new ConcurrentFetcher(FAST, new RecordingSleeper())) {
                List<String> urls = Arrays.asList(server.url("/a"), "not a url", "", null, "ftp://example.com/file",
                        "http://", server.url("/b"));

                List<FetchResult> results = fetcher.fetchAll(urls);

                assertThat(results).as("one result per URL").hasSize(urls.size());
                for (int i : List.of(0, 6)) {
                    assertThat(results.get(i).ok()).as("the valid URL %s: %s", urls.get(i), results.get(i)).isTrue();
                }
                for (int i = 1; i <= 5; i++) {
                    FetchResult r = results.get(i);
                    assertThat(r.url()).as("results[%d].url()", i).isEqualTo(urls.get(i));
                    assertThat(r.error()).as("the error of the malformed URL '%s'", urls.get(i))
                            .isInstanceOf(IllegalArgumentException.class);
                    assertThat(r.attempts()).as("attempts for the malformed URL '%s'", urls.get(i)).isZero();
                    assertThat(r.status()).as("status of the malformed URL '%s'", urls.get(i))
                            .isEqualTo(FetchResult.NO_STATUS);
                }
                assertThat(server.requests()).as("requests the server received (two valid URLs)").isEqualTo(2);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:2")
    @DisplayName("Task 2: at most maxInFlight requests in flight, and that many when there is work")
    class BoundedConcurrency {

        @Test
        @Points(9)
        @Hint("OkHttp's Dispatcher runs at most 64 enqueue()d calls, 5 per host. Either raise both limits or use"
                + " execute() on your own threads (virtual threads) behind a Semaphore(maxInFlight).")
        @DisplayName("with 250 URLs and a limit of 200, the server sees exactly 200 in flight at the peak, never 201")
        void reachesButNeverExceedsTheLimit() throws Exception {
            assertPeakInFlight(200, 250);
        }

        @ParameterizedTest(name = "limit {0}")
        @ValueSource(ints = {1, 3, 7, 16})
        @Points(5)
        @Hint("The limit counts requests on the wire, retries included; not URLs, not threads.")
        @DisplayName("small limits are exact too: the peak equals the limit")
        void smallLimitsAreExact(int limit) throws Exception {
            assertPeakInFlight(limit, 4 * limit + 3);
        }

        /** The first wave holds until {@code limit} requests are in (or 3 s); later requests answer at once. */
        private void assertPeakInFlight(int limit, int urlCount) throws Exception {
            try (var server = InFlightHttpServer.start((request, s) -> {
                if (s.requests() <= limit) {
                    s.awaitPeak(limit, Duration.ofSeconds(3));
                }
                return Reply.text(200, "ok");
            }); var fetcher = new ConcurrentFetcher(FAST.withMaxInFlight(limit), new RecordingSleeper())) {
                List<String> urls = IntStream.range(0, urlCount).mapToObj(i -> server.url("/u/" + i)).toList();

                List<FetchResult> results = inBackground(() -> fetcher.fetchAll(urls), Duration.ofSeconds(7),
                        () -> "fetchAll did not finish within 7 s; the server saw at most " + server.peakInFlight()
                                + " requests in flight at once (limit " + limit + ")");

                assertThat(results).as("results").hasSize(urlCount).allMatch(FetchResult::ok, "ok()");
                assertThat(server.peakInFlight())
                        .as("the most requests the server had in flight at once, with maxInFlight = %d", limit)
                        .isEqualTo(limit);
            }
        }

        @Test
        @Timeout(20)
        @Points(4)
        @Hint("Hold a slot for one attempt only: take it right before the request and give it back right after, before"
                + " the backoff. A retry takes a slot like any other request.")
        @DisplayName("a URL waiting out its backoff holds no slot, and retries count toward maxInFlight")
        void backoffHoldsNoSlotAndRetriesTakeOne() throws Exception {
            int limit = 2;
            int urlCount = 6;
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            var sleeper = new BlockingSleeper();
            try (var server = InFlightHttpServer.start((request, s) -> {
                if (seen.computeIfAbsent(request.path(), p -> new AtomicInteger()).getAndIncrement() == 0) {
                    return Reply.text(503, "busy");
                }
                s.awaitPeak(limit + 1, Duration.ofMillis(300)); // retries that skip the limit overlap here
                return Reply.text(200, "ok");
            }); var fetcher = new ConcurrentFetcher(FAST.withMaxInFlight(limit), sleeper)) {
                List<String> urls = IntStream.range(0, urlCount).mapToObj(i -> server.url("/r/" + i)).toList();
                ExecutorService caller = Executors.newSingleThreadExecutor();
                try {
                    Future<List<FetchResult>> future = caller.submit(() -> fetcher.fetchAll(urls));
                    try {
                        boolean allWaiting = eventually(Duration.ofSeconds(5),
                                () -> future.isDone() || sleeper.waiting() == urlCount);
                        if (future.isDone()) {
                            resultOf(future);
                        }
                        assertThat(allWaiting ? urlCount : sleeper.waiting()).as("URLs waiting out their backoff at the"
                                + " same time, 5 s after fetchAll started (maxInFlight %d, %d URLs that each answered 503"
                                + " once; the server has %d requests in flight and has received %d): a URL waiting for"
                                + " its retry must not hold a slot, or the other URLs cannot start", limit, urlCount,
                                server.inFlight(), server.requests()).isEqualTo(urlCount);
                    } finally {
                        sleeper.release();
                    }
                    List<FetchResult> results = future.get(10, TimeUnit.SECONDS);

                    assertThat(results).as("results").hasSize(urlCount)
                            .allSatisfy(r -> assertThat(r.status()).as("status of %s", r.url()).isEqualTo(200))
                            .allSatisfy(r -> assertThat(r.attempts()).as("attempts of %s", r.url()).isEqualTo(2));
                    assertThat(server.peakInFlight()).as("the most requests the server had in flight at once, with"
                            + " maxInFlight = %d: the %d retries were released together (retries count toward the"
                            + " limit)", limit, urlCount).isLessThanOrEqualTo(limit);
                } finally {
                    caller.shutdownNow();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:3")
    @DisplayName("Task 3: deadlines")
    class Deadlines {

        @Test
        @Points(6)
        @Hint("readTimeout restarts at every byte received. OkHttp's callTimeout bounds the whole call: connect,"
                + " send, wait, and read the whole body.")
        @DisplayName("callTimeout is a whole-call deadline: a server that drips one byte every 200 ms trips it")
        void dripFeedTripsTheCallTimeout() throws Exception {
            try (var server = InFlightHttpServer.start(
                    (request, s) -> Reply.text(200, "x".repeat(40)).dripping(Duration.ofMillis(200)));
                 var fetcher = new ConcurrentFetcher(FAST.withCallTimeout(Duration.ofMillis(600)).withMaxAttempts(2),
                         new RecordingSleeper())) {

                List<FetchResult> results = inBackground(() -> fetcher.fetchAll(List.of(server.url("/slow"))),
                        Duration.ofSeconds(6), () -> "fetchAll did not return within 6 s although callTimeout is"
                                + " 600 ms and maxAttempts 2: the server drips a 40-byte body over 8 s");

                FetchResult r = results.getFirst();
                assertThat(r.error()).as("error of a call that the server drip-feeds for 8 s (callTimeout 600 ms): %s",
                        r).isInstanceOf(java.io.InterruptedIOException.class);
                assertThat(r.attempts()).as("attempts (a timeout is retried, up to maxAttempts = 2)").isEqualTo(2);
                assertThat(r.status()).as("status of a call that timed out").isEqualTo(FetchResult.NO_STATUS);
            }
        }

        @Test
        @Points(4)
        @Hint("Compute the deadline once at the start of fetchAll (with the Sleeper's clock). Before each delay, give up"
                + " if now + delay is past it (a delay that ends past it is wasted); before each attempt, if now is.")
        @DisplayName("the overall deadline stops new attempts: no delay is waited past it")
        void overallDeadlineStopsRetries() throws Exception {
            try (var server = InFlightHttpServer.start((request, s) -> request.path().equals("/later")
                    ? Reply.text(503, "later").withHeader("Retry-After", "2") : Reply.text(503, "down"))) {
                // The Sleeper's clock moves only by the delays waited: their sum is the time on it.
                var sleeper = RecordingSleeper.onItsOwnClock();
                try (var fetcher = new ConcurrentFetcher(FAST.withMaxAttempts(1000)
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                        .withOverallDeadline(Duration.ofSeconds(5)), sleeper)) {

                    FetchResult r = fetcher.fetchAll(List.of(server.url("/down"))).getFirst();

                    assertThat(sleeper.total()).as("the sum of backoff delays (overall deadline 5 s; the Sleeper's clock"
                            + " moves only when it is asked to wait): %s", sleeper.delays())
                            .isLessThanOrEqualTo(Duration.ofSeconds(5));
                    assertThat(r.attempts()).as("attempts against a server that always answers 503, within a 5 s"
                            + " deadline and delays of up to 1 s (maxAttempts 1000)").isBetween(2, 999);
                }

                var later = RecordingSleeper.onItsOwnClock();
                try (var fetcher = new ConcurrentFetcher(FAST.withMaxAttempts(1000)
                        .withOverallDeadline(Duration.ofSeconds(9)), later)) {

                    FetchResult r = fetcher.fetchAll(List.of(server.url("/later"))).getFirst();

                    assertThat(later.delays()).as("the delays waited for a URL that always answers 503 with"
                            + " 'Retry-After: 2', with an overall deadline of 9 s: after the attempt at 8 s, a delay"
                            + " of 2 s would end past the deadline, so it is not waited")
                            .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                                    Duration.ofSeconds(2));
                    assertThat(r.attempts()).as("attempts (at 0, 2, 4, 6 and 8 s)").isEqualTo(5);
                    assertThat(r.status()).as("status: the last attempt's").isEqualTo(503);
                }
            }
        }

        @Test
        @Timeout(20)
        @Points(4)
        @Hint("Check the deadline right before each attempt, once you hold a slot (waiting for one takes time), and give"
                + " the slot back when you give up. Compute the deadline at the start of each fetchAll call.")
        @DisplayName("no attempt starts past the overall deadline, not even one that waited for a slot; each fetchAll"
                + " has a deadline of its own")
        void noAttemptStartsPastTheDeadline() throws Exception {
            var sleeper = new RecordingSleeper();
            try (var server = InFlightHttpServer.start((request, s) -> {
                if (request.path().startsWith("/first/")) {
                    sleeper.advance(Duration.ofSeconds(11)); // this request ends past the 10 s overall deadline
                }
                return Reply.text(200, "ok");
            }); var fetcher = new ConcurrentFetcher(FAST.withMaxInFlight(1).withOverallDeadline(Duration.ofSeconds(10)),
                    sleeper)) {
                List<String> first = IntStream.range(0, 8).mapToObj(i -> server.url("/first/" + i)).toList();

                List<FetchResult> results = inBackground(() -> fetcher.fetchAll(first), Duration.ofSeconds(6),
                        () -> "fetchAll did not return within 6 s, although its overall deadline (10 s on the Sleeper's"
                                + " clock) passed during the first request (maxInFlight 1): a URL that gives up at the"
                                + " deadline while it holds a slot must give the slot back");

                assertThat(results).as("results").hasSize(8);
                assertThat(results).as("URLs with an attempt (maxInFlight 1; the first request moved the Sleeper's"
                        + " clock past the overall deadline, so the 7 URLs waiting for the slot must not start)")
                        .filteredOn(r -> r.attempts() > 0).hasSize(1)
                        .allSatisfy(r -> assertThat(r.ok()).as("the first URL's result: %s", r).isTrue());
                for (FetchResult r : results) {
                    if (r.attempts() == 0) {
                        assertThat(r.status()).as("status of %s, never attempted (deadline)", r.url())
                                .isEqualTo(FetchResult.NO_STATUS);
                        assertThat(r.error()).as("error of %s, never attempted (deadline)", r.url()).isNotNull();
                    }
                }
                assertThat(server.requests()).as("requests the server received: the 7 URLs that waited for the only"
                        + " slot got it after the overall deadline, so none may start").isEqualTo(1);

                List<String> second = IntStream.range(0, 3).mapToObj(i -> server.url("/second/" + i)).toList();
                List<FetchResult> again = inBackground(() -> fetcher.fetchAll(second), Duration.ofSeconds(6),
                        () -> "a second fetchAll on the same fetcher did not return within 6 s");
                assertThat(again).as("a second fetchAll on the same fetcher, after the first one's deadline: its"
                        + " overall deadline counts from its own start").hasSize(3)
                        .allSatisfy(r -> assertThat(r.ok()).as("result of %s: %s", r.url(), r).isTrue())
                        .allSatisfy(r -> assertThat(r.attempts()).as("attempts of %s", r.url()).isEqualTo(1));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:4")
    @DisplayName("Task 4: retry what is transient, and only that")
    class RetryClassification {

        static WireMockServer wireMock;

        @BeforeAll
        @Timeout(60) // a cold WireMock (Jetty, Jackson) takes seconds to start on a loaded machine
        static void startWireMock() {
            wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(20)
                    .asynchronousResponseEnabled(false));
            wireMock.start();
        }

        @AfterAll
        static void stopWireMock() {
            wireMock.stop();
        }

        @BeforeEach
        void resetWireMock() {
            wireMock.resetAll();
        }

        /** A call timeout no answer of a loaded machine comes near (a cold WireMock takes over a second). */
        static final Duration GENEROUS = Duration.ofSeconds(5);

        static Stream<Arguments> transientFailures() {
            return Stream.of(
                    Arguments.of("503 Service Unavailable", aResponse().withStatus(503), GENEROUS),
                    Arguments.of("502 Bad Gateway", aResponse().withStatus(502), GENEROUS),
                    Arguments.of("504 Gateway Timeout", aResponse().withStatus(504), GENEROUS),
                    Arguments.of("429 Too Many Requests (no Retry-After)", aResponse().withStatus(429), GENEROUS),
                    Arguments.of("connection reset by peer", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                            GENEROUS),
                    Arguments.of("empty response", aResponse().withFault(Fault.EMPTY_RESPONSE), GENEROUS),
                    Arguments.of("a response slower than callTimeout (1 s)", aResponse().withStatus(200)
                            .withBody("too late").withFixedDelay(2_500), Duration.ofSeconds(1)));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("transientFailures")
        @Points(7)
        @Hint("Retry 429, 502, 503, 504 and I/O errors (an IOException: reset, empty response, timeout). Turn off"
                + " OkHttp's own retryOnConnectionFailure so that every attempt is one you count.")
        @DisplayName("a transient failure is retried, and the second attempt's response is returned")
        void transientFailuresAreRetried(String what, ResponseDefinitionBuilder failure, Duration callTimeout)
                throws Exception {
            wireMock.stubFor(get(urlEqualTo("/flaky")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(failure).willSetStateTo("recovered"));
            wireMock.stubFor(get(urlEqualTo("/flaky")).inScenario("flaky").whenScenarioStateIs("recovered")
                    .willReturn(aResponse().withStatus(200).withBody("recovered")));
            var sleeper = new RecordingSleeper();
            try (var fetcher = new ConcurrentFetcher(FAST.withCallTimeout(callTimeout), sleeper)) {

                FetchResult r = fetcher.fetchAll(List.of(wireMock.url("/flaky"))).getFirst();

                assertThat(r.status()).as("status after a first attempt that failed with %s: %s", what, r)
                        .isEqualTo(200);
                assertThat(r.bodyText()).as("body after the retry").isEqualTo("recovered");
                assertThat(r.attempts()).as("attempts (one failure, one success)").isEqualTo(2);
                assertThat(r.error()).as("error of a URL that recovered").isNull();
                assertThat(wireMock.getAllServeEvents()).as("requests WireMock received").hasSize(2);
                assertThat(sleeper.delays()).as("backoff delays recorded by the Sleeper").hasSize(1);
            }
        }

        @Test
        @Points(2)
        @Hint("By default OkHttp resends, by itself, a request that failed on a reused pooled connection"
                + " (retryOnConnectionFailure): one of your attempts then sends two requests. Turn it off.")
        @DisplayName("a reset on a reused keep-alive connection is one attempt: the server sees exactly maxAttempts"
                + " requests, and the URL keeps the error")
        void resetOnAReusedConnectionIsOneAttempt() throws Exception {
            wireMock.stubFor(get(urlEqualTo("/warm")).willReturn(aResponse().withStatus(200).withBody("warm")));
            wireMock.stubFor(get(urlEqualTo("/reset")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
            String base = "http://127.0.0.1:" + wireMock.port();
            try (var fetcher = new ConcurrentFetcher(FAST.withMaxInFlight(1).withMaxAttempts(3).withCallTimeout(GENEROUS),
                    new RecordingSleeper())) {
                FetchResult warm = fetcher.fetchAll(List.of(base + "/warm")).getFirst();
                assertThat(warm.ok()).as("a first fetchAll, which leaves a keep-alive connection in the pool: %s", warm)
                        .isTrue();

                FetchResult r = fetcher.fetchAll(List.of(base + "/reset")).getFirst();

                long sent = wireMock.getAllServeEvents().stream()
                        .filter(e -> e.getRequest().getUrl().equals("/reset")).count();
                assertThat(sent).as("requests WireMock received for a URL that resets every connection, with"
                        + " maxAttempts 3 (the first attempt goes out on the pooled keep-alive connection): each request"
                        + " on the wire must be one of your attempts").isEqualTo(3);
                assertThat(r.attempts()).as("attempts of a URL that resets every connection: %s", r).isEqualTo(3);
                assertThat(r.error()).as("error of a URL whose every attempt was reset (no response)")
                        .isInstanceOf(java.io.IOException.class);
                assertThat(r.status()).as("status of a URL that never answered").isEqualTo(FetchResult.NO_STATUS);
            }
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(ints = {400, 401, 403, 404, 500})
        @Points(5)
        @Hint("A 4xx is the client's fault: sending it again gets the same answer and multiplies traffic. Retry"
                + " only the statuses that say 'try later'.")
        @DisplayName("400, 401, 403, 404 and 500 are returned at once, without a retry")
        void permanentFailuresAreNotRetried(int status) throws Exception {
            var sleeper = new RecordingSleeper();
            try (var server = InFlightHttpServer.start((request, s) -> Reply.text(status, "no: " + status));
                 var fetcher = new ConcurrentFetcher(FAST, sleeper)) {

                FetchResult r = fetcher.fetchAll(List.of(server.url("/x"))).getFirst();

                assertThat(server.requests()).as("requests sent for a URL that answers %d", status).isEqualTo(1);
                assertThat(r.attempts()).as("attempts for a URL that answers %d", status).isEqualTo(1);
                assertThat(r.status()).as("status").isEqualTo(status);
                assertThat(r.bodyText()).as("body").isEqualTo("no: " + status);
                assertThat(sleeper.delays()).as("backoff delays for a %d", status).isEmpty();
            }
        }

        @Test
        @Points(3)
        @Hint("Count attempts, not retries: maxAttempts includes the first one.")
        @DisplayName("a URL that always answers 503 gets exactly maxAttempts attempts and maxAttempts - 1 delays")
        void attemptsNeverExceedTheMaximum() throws Exception {
            var sleeper = new RecordingSleeper();
            try (var server = InFlightHttpServer.start((request, s) -> Reply.text(503, "down"));
                 var fetcher = new ConcurrentFetcher(FAST.withMaxAttempts(4), sleeper)) {
                List<String> urls = IntStream.range(0, 30).mapToObj(i -> server.url("/d/" + i)).toList();

                List<FetchResult> results = fetcher.fetchAll(urls);

                assertThat(results).as("results").hasSize(30)
                        .allSatisfy(r -> assertThat(r.attempts()).as("attempts of %s", r.url()).isEqualTo(4))
                        .allSatisfy(r -> assertThat(r.status()).as("status of %s", r.url()).isEqualTo(503));
                assertThat(server.requests()).as("requests for 30 URLs, maxAttempts 4").isEqualTo(120);
                assertThat(sleeper.delays()).as("delays waited (3 per URL)").hasSize(90);
            }
            var once = new RecordingSleeper();
            try (var server = InFlightHttpServer.start((request, s) -> Reply.text(503, "down"));
                 var fetcher = new ConcurrentFetcher(FAST.withMaxAttempts(1), once)) {
                FetchResult r = fetcher.fetchAll(List.of(server.url("/once"))).getFirst();
                assertThat(r.attempts()).as("attempts with maxAttempts 1 (a valid setting: no retry)").isEqualTo(1);
                assertThat(once.delays()).as("delays waited with maxAttempts 1").isEmpty();
            }
        }

        @Test
        @Points(5)
        @Hint("Retry-After is either delta-seconds ('120') or an HTTP-date (RFC 1123). Prefer it over your own"
                + " backoff, clamp it to maxRetryAfter (also a number too big for a long), and a date in the past"
                + " means 'now'.")
        @DisplayName("Retry-After is honoured in both forms, delta-seconds and HTTP-date, clamped to [0, maxRetryAfter]")
        void retryAfterIsHonoured() throws Exception {
            String inFourSeconds = DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(4));
            String tenSecondsAgo = DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(10));
            Map<String, Reply> firstReplies = Map.of(
                    "/seconds", Reply.text(429, "slow down").withHeader("Retry-After", "2"),
                    "/date", Reply.text(503, "later").withHeader("Retry-After", inFourSeconds),
                    "/past", Reply.text(503, "now").withHeader("Retry-After", tenSecondsAgo),
                    "/huge", Reply.text(429, "go away").withHeader("Retry-After", "3600"),
                    "/enormous", Reply.text(429, "go away").withHeader("Retry-After", "99999999999999999999"),
                    "/padded", Reply.text(429, "slow down").withHeader("Retry-After", "00000000000000000003"));
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            try (var server = InFlightHttpServer.start((request, s) ->
                    seen.computeIfAbsent(request.path(), p -> new AtomicInteger()).getAndIncrement() == 0
                            ? firstReplies.get(request.path()) : Reply.text(200, "ok"))) {
                Map<String, Duration> delays = new java.util.LinkedHashMap<>();
                for (String path : List.of("/seconds", "/date", "/past", "/huge", "/enormous", "/padded")) {
                    var sleeper = new RecordingSleeper();
                    String header = firstReplies.get(path).headers().get("Retry-After");
                    // A day of overall deadline: an unclamped Retry-After is waited (the Sleeper does not sleep).
                    try (var fetcher = new ConcurrentFetcher(FAST.withMaxRetryAfter(Duration.ofSeconds(10))
                            .withOverallDeadline(Duration.ofDays(1)), sleeper)) {
                        FetchResult r = fetchOneOrFail(fetcher, server.url(path), () -> "a first answer with"
                                + " 'Retry-After: " + header + "' (clamp every Retry-After to [0, maxRetryAfter], whatever"
                                + " its size)");
                        assertThat(r.status()).as("status of %s after its Retry-After: %s", path, r).isEqualTo(200);
                        assertThat(sleeper.delays()).as("delays waited for %s", path).hasSize(1);
                        delays.put(path, sleeper.delays().getFirst());
                    }
                }

                assertThat(delays.get("/seconds")).as("the delay for 'Retry-After: 2' (backoff cap is 200 ms)")
                        .isEqualTo(Duration.ofSeconds(2));
                assertThat(delays.get("/date")).as("the delay for 'Retry-After: %s', sent ~4 s before that date",
                        inFourSeconds).isBetween(Duration.ofMillis(2_000), Duration.ofSeconds(4));
                assertThat(delays.get("/past")).as("the delay for 'Retry-After: %s', a date 10 s in the past (clamped"
                        + " to 0)", tenSecondsAgo).isEqualTo(Duration.ZERO);
                assertThat(delays.get("/huge")).as("the delay for 'Retry-After: 3600' with maxRetryAfter = 10 s")
                        .isEqualTo(Duration.ofSeconds(10));
                assertThat(delays.get("/enormous")).as("the delay for 'Retry-After: 99999999999999999999' (more than a"
                        + " long holds) with maxRetryAfter = 10 s").isEqualTo(Duration.ofSeconds(10));
                assertThat(delays.get("/padded")).as("the delay for 'Retry-After: 00000000000000000003' (delta-seconds"
                        + " may have leading zeros: 3 s, however long the text)").isEqualTo(Duration.ofSeconds(3));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:5")
    @DisplayName("Task 5: capped full-jitter backoff")
    class Backoff {

        /** Runs {@code runs} single-URL batches against an always-503 server; returns each batch's delays. */
        private List<List<Duration>> delaysOf(FetchSettings settings, int runs) throws Exception {
            List<List<Duration>> all = new ArrayList<>();
            try (var server = InFlightHttpServer.start((request, s) -> Reply.text(503, "down"))) {
                for (int run = 0; run < runs; run++) {
                    var sleeper = new RecordingSleeper();
                    try (var fetcher = new ConcurrentFetcher(settings, sleeper)) {
                        FetchResult r = fetcher.fetchAll(List.of(server.url("/down"))).getFirst();
                        assertThat(r.attempts()).as("attempts against an always-503 server").isEqualTo(
                                settings.maxAttempts());
                    }
                    all.add(sleeper.delays());
                }
            }
            return all;
        }

        @Test
        @Points(7)
        @Hint("Cap first, then draw: random(0, min(cap, base * 2^(n-1))). Jitter added after the cap breaks it;"
                + " base << n overflows to a negative number after ~60 retries.")
        @DisplayName("the delay before retry n lies within [0, min(maxDelay, baseDelay·2^(n-1))], even after 70"
                + " attempts")
        void delaysStayWithinTheCappedRange() throws Exception {
            Duration base = Duration.ofMillis(10);
            Duration cap = Duration.ofMillis(200);
            List<List<Duration>> runs = delaysOf(FAST.withBackoff(base, cap).withMaxAttempts(10), 25);
            for (List<Duration> delays : runs) {
                assertThat(delays).as("Sleeper.sleep() calls for one URL with maxAttempts 10 (9 retries: one call"
                        + " per retry, also when the delay drawn is 0)").hasSize(9);
                for (int n = 1; n <= delays.size(); n++) {
                    Duration bound = bound(base, cap, n);
                    assertThat(delays.get(n - 1)).as("the delay before retry %d (base 10 ms, cap 200 ms: at most %s)",
                            n, bound).isBetween(Duration.ZERO, bound);
                }
            }
            List<Duration> long70 = delaysOf(FAST.withBackoff(Duration.ofMillis(1), Duration.ofMillis(50))
                    .withMaxAttempts(70), 1).getFirst();
            assertThat(long70).as("the Sleeper.sleep() calls of 70 attempts with base 1 ms, cap 50 ms (one per retry,"
                    + " also for a delay of 0)")
                    .hasSize(69).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(50)));
            List<Duration> noBackoff = delaysOf(FAST.withBackoff(Duration.ZERO, Duration.ZERO).withMaxAttempts(4), 1)
                    .getFirst();
            assertThat(noBackoff).as("the Sleeper.sleep() calls of 4 attempts with baseDelay = maxDelay = 0 (valid"
                    + " settings: every delay is 0, one call per retry)").containsExactly(Duration.ZERO, Duration.ZERO,
                    Duration.ZERO);
        }

        @Test
        @Points(5)
        @Hint("Full jitter draws uniformly from the whole range. A fixed delay, or half-fixed 'equal jitter', makes"
                + " every client that failed together retry together; so does drawing first and capping afterwards,"
                + " which piles the delays up at maxDelay.")
        @DisplayName("delays are spread uniformly over their range (full jitter), not at its top, also once capped")
        void delaysAreJittered() throws Exception {
            Duration base = Duration.ofMillis(10);
            Duration cap = Duration.ofMillis(200);
            List<Double> fractions = new ArrayList<>();
            List<Duration> capped = new ArrayList<>(); // retries 6 to 9: base·2^(n-1) is 320 ms or more, above the cap
            for (List<Duration> delays : delaysOf(FAST.withBackoff(base, cap).withMaxAttempts(10), 25)) {
                for (int n = 1; n <= delays.size(); n++) {
                    fractions.add((double) delays.get(n - 1).toNanos() / bound(base, cap, n).toNanos());
                    if (n >= 6) {
                        capped.add(delays.get(n - 1));
                    }
                }
            }
            long atTheCap = capped.stream().filter(cap::equals).count();
            assertThat(atTheCap).as("delays of exactly maxDelay (200 ms) among the %d delays of retries 6 to 9, whose"
                    + " range [0, 200 ms] is capped: a uniform draw almost never gives its upper end", capped.size())
                    .isLessThanOrEqualTo(capped.size() / 10);
            double mean = fractions.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            long distinct = fractions.stream().distinct().count();
            assertThat(mean).as("the mean of delay / upper bound over %d delays (uniform full jitter: ~0.5)",
                    fractions.size()).isBetween(0.35, 0.65);
            assertThat(distinct).as("distinct delay/bound ratios among %d delays", fractions.size())
                    .isGreaterThan(fractions.size() / 2);
        }

        private static Duration bound(Duration base, Duration cap, int n) {
            Duration exp = base.multipliedBy(1L << Math.min(n - 1, 40));
            return exp.compareTo(cap) < 0 ? exp : cap;
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:6")
    @DisplayName("Task 6: no leaks, prompt cancellation, clear errors")
    class Hygiene {

        @Test
        @Points(4)
        @Hint("Close every Response (try-with-resources), also the ones you retry or discard: an unclosed body keeps"
                + " its connection out of the pool for good.")
        @DisplayName("after fetchAll, no call is running and every pooled connection is idle (all bodies closed)")
        void noConnectionOrCallOutlivesFetchAll() throws Exception {
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            try (var server = InFlightHttpServer.start((request, s) -> {
                int n = seen.computeIfAbsent(request.path(), p -> new AtomicInteger()).getAndIncrement();
                int i = Integer.parseInt(request.path().substring(3));
                return switch (i % 4) {
                    case 0 -> Reply.text(200, "ok " + "x".repeat(2_000));
                    case 1 -> Reply.text(404, "missing " + "x".repeat(2_000));
                    case 2 -> n == 0 ? Reply.text(503, "busy " + "x".repeat(2_000)) : Reply.text(200, "ok");
                    default -> n == 0 ? Reply.text(429, "slow").withHeader("Retry-After", "0") : Reply.text(200, "ok");
                };
            }); var fetcher = new ConcurrentFetcher(FAST.withMaxInFlight(20), new RecordingSleeper())) {
                List<String> urls = IntStream.range(0, 120).mapToObj(i -> server.url("/p/" + i)).toList();

                List<FetchResult> results = fetcher.fetchAll(urls);

                assertThat(results).as("results").hasSize(120);
                var pool = fetcher.client().connectionPool();
                assertThat(fetcher.client().dispatcher().runningCallsCount()).as("calls still running after fetchAll")
                        .isZero();
                assertThat(pool.connectionCount() - pool.idleConnectionCount())
                        .as("connections still in use after fetchAll returned (%d pooled): a response body was not"
                                + " closed", pool.connectionCount()).isZero();
            }
        }

        @Test
        @Points(3)
        @Hint("On InterruptedException, cancel every in-flight Call (Call.cancel()), stop waiting threads, wait for"
                + " them to end (a cancelled call ends at once), and rethrow.")
        @DisplayName("interrupting the caller cancels the in-flight calls promptly and throws InterruptedException")
        void interruptCancelsInFlightCalls() throws Exception {
            try (var server = InFlightHttpServer.start((request, s) -> {
                s.holdUntilClosed(Duration.ofSeconds(30));
                return Reply.text(200, "too late");
            }); var fetcher = new ConcurrentFetcher(FAST.withMaxInFlight(20).withCallTimeout(Duration.ofSeconds(30)),
                    new RecordingSleeper())) {
                List<String> urls = IntStream.range(0, 50).mapToObj(i -> server.url("/hang/" + i)).toList();
                var outcome = new java.util.concurrent.atomic.AtomicReference<Object>();
                Thread caller = Thread.ofPlatform().name("fetchAll-caller").start(() -> {
                    try {
                        fetcher.fetchAll(urls);
                        outcome.set("fetchAll returned normally");
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                });
                try {
                    await("the server to have 20 requests in flight").atMost(Duration.ofSeconds(5))
                            .until(() -> outcome.get() != null || server.inFlight() == 20);
                    if (outcome.get() instanceof UnsupportedOperationException stub) {
                        throw stub;
                    }

                    caller.interrupt();

                    caller.join(Duration.ofSeconds(3));
                    assertThat(caller.isAlive()).as("fetchAll still running 3 s after its caller was interrupted"
                            + " (the server never answers; callTimeout is 30 s)").isFalse();
                    assertThat(outcome.get()).as("what fetchAll did when its caller was interrupted")
                            .isInstanceOf(InterruptedException.class);
                    assertThat(fetcher.client().dispatcher().runningCallsCount())
                            .as("calls still running after fetchAll threw").isZero();
                    var pool = fetcher.client().connectionPool();
                    assertThat(pool.connectionCount() - pool.idleConnectionCount())
                            .as("connections still in use after the interrupt").isZero();
                } finally {
                    caller.interrupt();
                    server.close(); // releases the held requests, so that a wrong fetchAll can end
                    caller.join(Duration.ofSeconds(5));
                }
            }
        }

        @Test
        @Timeout(20)
        @Points(2)
        @Hint("A URL waiting out its backoff is blocked in Sleeper.sleep(): interrupt its thread too"
                + " (ExecutorService.shutdownNow()), and let it end without another attempt.")
        @DisplayName("interrupting the caller while the URLs wait out their backoff ends fetchAll promptly, without"
                + " another request")
        void interruptDuringBackoff() throws Exception {
            var sleeper = new BlockingSleeper();
            try (var server = InFlightHttpServer.start((request, s) -> Reply.text(503, "busy"));
                 var fetcher = new ConcurrentFetcher(FAST.withMaxInFlight(10), sleeper)) {
                List<String> urls = IntStream.range(0, 10).mapToObj(i -> server.url("/busy/" + i)).toList();
                var outcome = new java.util.concurrent.atomic.AtomicReference<Object>();
                Thread caller = Thread.ofPlatform().name("fetchAll-caller").start(() -> {
                    try {
                        fetcher.fetchAll(urls);
                        outcome.set("fetchAll returned normally");
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                });
                try {
                    eventually(Duration.ofSeconds(5), () -> outcome.get() != null || sleeper.waiting() == 10);
                    if (outcome.get() instanceof UnsupportedOperationException stub) {
                        throw stub;
                    }
                    assertThat(sleeper.waiting()).as("URLs waiting in Sleeper.sleep() 5 s after fetchAll started (10"
                            + " URLs, maxInFlight 10, each answered 503; fetchAll: %s)", outcome.get()).isEqualTo(10);

                    caller.interrupt();

                    caller.join(Duration.ofSeconds(3));
                    assertThat(caller.isAlive()).as("fetchAll still running 3 s after its caller was interrupted, while"
                            + " every URL was waiting out its backoff in Sleeper.sleep()").isFalse();
                    assertThat(outcome.get()).as("what fetchAll did when its caller was interrupted during the backoffs")
                            .isInstanceOf(InterruptedException.class);
                    assertThat(server.requests()).as("requests the server received: 10 first attempts, and no retry"
                            + " after the interrupt").isEqualTo(10);
                } finally {
                    caller.interrupt();
                    sleeper.release(); // so that a wrong fetchAll can end
                    caller.join(Duration.ofSeconds(5));
                }
            }
        }

        @Test
        @Timeout(20)
        @Points(2)
        @Hint("Build the client once, in the constructor, and send every call through it; close() evicts its pooled"
                + " connections (connectionPool().evictAll()) as well as stopping its threads.")
        @DisplayName("every call goes through client(), the one client; close() closes its pooled connections")
        void callsGoThroughTheOneClientAndCloseEvictsItsConnections() throws Exception {
            var release = new java.util.concurrent.CountDownLatch(1);
            try (var server = InFlightHttpServer.start((request, s) -> {
                release.await(5, TimeUnit.SECONDS);
                return Reply.text(200, "ok");
            })) {
                var fetcher = new ConcurrentFetcher(FAST.withMaxInFlight(3), new RecordingSleeper());
                okhttp3.OkHttpClient client;
                try {
                    client = fetcher.client();
                    assertThat(fetcher.client()).as("client(), called a second time").isSameAs(client);
                    List<String> urls = IntStream.range(0, 3).mapToObj(i -> server.url("/held/" + i)).toList();
                    ExecutorService caller = Executors.newSingleThreadExecutor();
                    try {
                        Future<List<FetchResult>> future = caller.submit(() -> fetcher.fetchAll(urls));
                        try {
                            eventually(Duration.ofSeconds(5), () -> future.isDone() || server.inFlight() == 3);
                            if (future.isDone()) {
                                resultOf(future);
                            }
                            assertThat(client.dispatcher().runningCallsCount()).as("calls running in client() while"
                                    + " the server holds %d of your requests: every call goes through the one client",
                                    server.inFlight()).isPositive();
                        } finally {
                            release.countDown();
                        }
                        assertThat(future.get(10, TimeUnit.SECONDS)).as("results").hasSize(3)
                                .allMatch(FetchResult::ok, "ok()");
                    } finally {
                        caller.shutdownNow();
                    }
                } finally {
                    fetcher.close();
                }
                assertThat(client.connectionPool().connectionCount()).as("connections left in client()'s pool after"
                        + " close() (the 3 requests were sent on keep-alive connections)").isZero();
            }
        }

        static Stream<Arguments> invalidSettings() {
            return Stream.of(
                    invalid("maxInFlight = 0", s -> s.withMaxInFlight(0), "maxInFlight"),
                    invalid("maxInFlight = -5", s -> s.withMaxInFlight(-5), "maxInFlight"),
                    invalid("callTimeout = 0", s -> s.withCallTimeout(Duration.ZERO), "callTimeout"),
                    invalid("callTimeout = -1 s", s -> s.withCallTimeout(Duration.ofSeconds(-1)), "callTimeout"),
                    invalid("maxAttempts = 0", s -> s.withMaxAttempts(0), "maxAttempts"),
                    invalid("baseDelay = -1 ms", s -> s.withBackoff(Duration.ofMillis(-1), Duration.ofSeconds(1)),
                            "baseDelay"),
                    invalid("maxDelay below baseDelay", s -> s.withBackoff(Duration.ofSeconds(2),
                            Duration.ofSeconds(1)), "maxDelay"),
                    invalid("maxRetryAfter = -1 s", s -> s.withMaxRetryAfter(Duration.ofSeconds(-1)),
                            "maxRetryAfter"),
                    invalid("overallDeadline = 0", s -> s.withOverallDeadline(Duration.ZERO), "overallDeadline"),
                    invalid("retryBudgetRatio = -0.1", s -> s.withRetryBudgetRatio(-0.1), "retryBudgetRatio"),
                    invalid("retryBudgetRatio = NaN", s -> s.withRetryBudgetRatio(Double.NaN), "retryBudgetRatio"));
        }

        private static Arguments invalid(String what, UnaryOperator<FetchSettings> change, String mention) {
            return Arguments.of(what, change.apply(FetchSettings.defaults()), mention);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidSettings")
        @Points(3)
        @Hint("Check every setting in the constructor and name it in the message: the on-call engineer reading it"
                + " has only the log.")
        @DisplayName("invalid settings are rejected with an IllegalArgumentException naming the setting")
        void invalidSettingsAreRejected(String what, FetchSettings settings, String mention) {
            IllegalArgumentException e = thrownBy(IllegalArgumentException.class,
                    () -> new ConcurrentFetcher(settings, new RecordingSleeper()).close(), "settings with " + what);
            Wording.assertNames(e.getMessage(), "the message for " + what, mention);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:7")
    @DisplayName("Task 7 (stretch): a retry budget")
    class RetryBudget {

        @Test
        @Points(8)
        @Hint("Count first attempts and retries for the whole batch; a retry may start only while"
                + " retries + 1 <= ratio * first attempts. Retries must still happen while the budget lasts.")
        @DisplayName("under a 100% outage, 1,000 URLs cost at most 1,200 requests with a 20% budget, and a budget of 0"
                + " allows no retry")
        void budgetLimitsRetriesDuringAnOutage() throws Exception {
            try (var server = InFlightHttpServer.start((request, s) -> Reply.text(503, "outage"));
                 var fetcher = new ConcurrentFetcher(FAST.withMaxAttempts(4).withRetryBudgetRatio(0.2),
                         new RecordingSleeper())) {
                List<String> urls = IntStream.range(0, 1_000).mapToObj(i -> server.url("/o/" + i)).toList();

                List<FetchResult> results = fetcher.fetchAll(urls);

                assertThat(results).as("results").hasSize(1_000)
                        .allSatisfy(r -> assertThat(r.status()).as("status of %s", r.url()).isEqualTo(503));
                long attempts = results.stream().mapToLong(FetchResult::attempts).sum();
                assertThat(server.requests()).as("requests the server received for 1,000 URLs during a total outage"
                        + " (maxAttempts 4, retry budget 20%%)").isBetween(1_001L, 1_200L);
                assertThat(attempts).as("the sum of FetchResult.attempts()").isEqualTo(server.requests());
            }
            try (var server = InFlightHttpServer.start((request, s) -> Reply.text(503, "outage"));
                 var fetcher = new ConcurrentFetcher(FAST.withMaxAttempts(4).withRetryBudgetRatio(0),
                         new RecordingSleeper())) {
                List<String> urls = IntStream.range(0, 20).mapToObj(i -> server.url("/z/" + i)).toList();

                List<FetchResult> results = fetcher.fetchAll(urls);

                assertThat(server.requests()).as("requests the server received for 20 URLs during a total outage with a"
                        + " retry budget of 0 (retries never exceed 0 × first attempts)").isEqualTo(20);
                assertThat(results).as("results").hasSize(20)
                        .allSatisfy(r -> assertThat(r.attempts()).as("attempts of %s", r.url()).isEqualTo(1));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** Records every delay and moves its own clock forward by it, without sleeping. Thread-safe. */
    static final class RecordingSleeper implements Sleeper {
        private final ConcurrentLinkedQueue<Duration> delays = new ConcurrentLinkedQueue<>();
        private final AtomicLong advanced = new AtomicLong();
        private final boolean realTime;

        /** A clock that runs in real time, plus the delays waited. */
        RecordingSleeper() {
            this(true);
        }

        private RecordingSleeper(boolean realTime) {
            this.realTime = realTime;
        }

        /** A clock that moves only by the delays waited (and {@link #advance}): the deadline sees no real time. */
        static RecordingSleeper onItsOwnClock() {
            return new RecordingSleeper(false);
        }

        @Override
        public void sleep(Duration delay) throws InterruptedException {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            delays.add(delay);
            advanced.addAndGet(delay.toNanos());
        }

        @Override
        public long nanoTime() {
            return (realTime ? System.nanoTime() : 1_000_000_000L) + advanced.get();
        }

        List<Duration> delays() {
            return List.copyOf(delays);
        }

        Duration total() {
            return delays.stream().reduce(Duration.ZERO, Duration::plus);
        }

        /** Moves the clock forward without a delay (time spent elsewhere, such as in a slow request). */
        void advance(Duration by) {
            advanced.addAndGet(by.toNanos());
        }
    }

    /** Blocks every sleep() until {@link #release()}, counting the callers waiting; the clock is the system's. */
    static final class BlockingSleeper implements Sleeper {
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        private final AtomicInteger waiting = new AtomicInteger();

        @Override
        public void sleep(Duration delay) throws InterruptedException {
            waiting.incrementAndGet();
            try {
                released.await();
            } finally {
                waiting.decrementAndGet();
            }
        }

        int waiting() {
            return waiting.get();
        }

        void release() {
            released.countDown();
        }
    }

    /** Waits up to {@code max} for {@code condition}; returns whether it held (the caller asserts, with its message). */
    private static boolean eventually(Duration max, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(max).pollInterval(Duration.ofMillis(10)).until(condition);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    /** The value of a finished future; its exception, as thrown by the code under test, if it failed. */
    private static <T> T resultOf(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            rethrowCause(e);
            throw e;
        }
    }

    /** fetchAll of one URL; an exception other than the stub's fails the test, saying what the URL answered. */
    private static FetchResult fetchOneOrFail(ConcurrentFetcher fetcher, String url,
                                              java.util.function.Supplier<String> answered) throws Exception {
        try {
            return fetcher.fetchAll(List.of(url)).getFirst();
        } catch (UnsupportedOperationException stub) {
            throw stub;
        } catch (RuntimeException e) {
            throw new AssertionError("fetchAll threw " + e + " for " + url + ", after " + answered.get()
                    + ": fetchAll returns a result per URL and never throws for what a server answers", e);
        }
    }

    /** Runs {@code task} on another thread, failing with {@code message} if it does not finish in time. */
    private static <T> T inBackground(java.util.concurrent.Callable<T> task, Duration max,
                                      java.util.function.Supplier<String> message) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<T> future = executor.submit(task);
        try {
            return future.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            rethrowCause(e);
            throw e;
        } catch (TimeoutException e) {
            future.cancel(true);
            return fail(message.get());
        } finally {
            executor.shutdownNow();
        }
    }

    private static void rethrowCause(ExecutionException e) throws Exception {
        if (e.getCause() instanceof Exception cause) {
            throw cause;
        }
        if (e.getCause() instanceof Error error) {
            throw error;
        }
    }

    private static <T extends Throwable> T thrownBy(Class<T> type, ThrowingCallable call, String situation) {
        Throwable thrown = catchThrowable(call);
        if (thrown instanceof UnsupportedOperationException stub) {
            throw stub;
        }
        if (thrown == null) {
            fail("%s: expected %s, but the constructor returned normally", situation, type.getSimpleName());
        }
        if (!type.isInstance(thrown)) {
            throw new AssertionError(situation + ": expected " + type.getSimpleName() + ", but got " + thrown, thrown);
        }
        return type.cast(thrown);
    }
}
