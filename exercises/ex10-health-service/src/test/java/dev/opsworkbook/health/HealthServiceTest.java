package dev.opsworkbook.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.opsworkbook.testing.Stubs.rethrowIfChildHitStub;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import dev.opsworkbook.testing.ChildJvm;
import dev.opsworkbook.testing.HttpWarmUp;
import dev.opsworkbook.testing.LeakCheck;
import dev.opsworkbook.testing.LogCapture;
import dev.opsworkbook.testing.RealRedis;
import dev.opsworkbook.testing.Stubs;
import dev.opsworkbook.testing.TestRedis;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The grading suite of ex10 health-service. Every test starts the service on a loopback port with checks it
 * controls ({@link FakeCheck}) or real ones against real things on loopback (WireMock, a listening socket, a
 * Redis-speaking socket, the temp directory's file system), and talks to it with the JDK HttpClient. Concurrency
 * claims are proven with counters and latches; timeouts only with generous upper bounds.
 */
@DisplayName("ex10 health-service: /livez, /readyz, /healthz, /metrics, /config, request ids and a graceful drain")
@Timeout(60)
class HealthServiceTest {

    /** How long any one answer may take: generous on a busy machine, shorter than a test's own timeout. */
    static final Duration ANSWER = Duration.ofSeconds(8);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /**
     * WireMock's Jetty pools its threads for the whole class; the Prometheus client starts one shared scheduler per
     * JVM the first time a histogram is used. None of them belongs to one test.
     */
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.ignoringThreads("qtp.*", "Scheduler-.*", "Connector-Scheduler-.*",
            "WireMock.*", "prometheus-metrics-scheduler-.*");

    @TempDir
    Path tmp;
    final List<AutoCloseable> toClose = new ArrayList<>();
    @Nullable HealthService service;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    @Timeout(60)
    static void warmUpHttp() throws Exception {
        HttpWarmUp.jdkServerAndClient();
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        client.close();
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    /** Settings for most tests: results fresh for an hour (each check runs once), no drain period. */
    static Settings quick() {
        return Settings.defaults().withVersion("v1.2.3").withCache(Duration.ofHours(1), Duration.ofHours(2))
                .withDrain(Duration.ZERO, Duration.ofSeconds(5));
    }

    HealthService start(Settings settings, HealthCheck... checks) throws IOException {
        service = HealthService.start(settings, List.of(checks));
        return service;
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(ANSWER).headers(headers.length == 0
                ? new String[] {"Accept", "*/*"} : headers).GET().build(), path);
    }

    HttpResponse<String> send(HttpRequest request, String what) throws IOException, InterruptedException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new AssertionError(what + ": no answer within " + ANSWER.toSeconds()
                    + " s (a check that blocks, or a request waiting for something that never comes?)", e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + Objects.requireNonNull(service).port() + path);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (RuntimeException e) {
            throw new AssertionError(response.uri().getPath() + " answered a body that is not JSON: " + response.body(), e);
        }
    }

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    PromText metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).as("GET /metrics status").isEqualTo(200);
        return PromText.parse(r.body());
    }

    /** Runs {@code task} on a thread of its own; the test collects its outcome. */
    static <T> CompletableFuture<T> inBackground(java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                future.complete(task.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        return future;
    }

    static <T> T within(Future<T> future, Duration limit, String what) throws Exception {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Stubs.rethrowIfStub(e.getCause());
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + " did not happen within " + limit.toSeconds() + " s", e);
        }
    }

    /** A port nothing listens on (bound, then closed at once). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: checks in parallel, each under its timeout, and the /healthz payload")
    class Healthz {

        @Test
        @Points(4)
        @DisplayName("all dependencies up: 200 with status ok, the version, every dependency 'up', latency_ms and critical "
                + "per check")
        @Hint("The payload is {\"status\",\"version\",\"dependencies\":{name:\"up\"...},"
                + "\"checks\":{name:{\"status\",\"critical\",\"latency_ms\"}}}.")
        void allUp() throws Exception {
            start(quick(), FakeCheck.up("db", true), FakeCheck.up("cache", false));

            long started = System.nanoTime();
            HttpResponse<String> r = get("/healthz");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(r.statusCode()).as("status of /healthz with every check up").isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).as("Content-Type").hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/json"));
            JsonNode body = json(r);
            assertThat(body.path("status").asString()).as("\"status\" in " + body).isEqualTo("ok");
            assertThat(body.path("version").asString()).as("\"version\" in " + body).isEqualTo("v1.2.3");
            assertThat(body.path("dependencies").path("db").asString()).as("dependencies.db in " + body).isEqualTo("up");
            assertThat(body.path("dependencies").path("cache").asString()).as("dependencies.cache in " + body)
                    .isEqualTo("up");
            JsonNode db = body.path("checks").path("db");
            assertThat(db.path("status").asString()).as("checks.db.status in " + body).isEqualTo("up");
            assertThat(db.path("critical").isBoolean() && db.path("critical").asBoolean())
                    .as("checks.db.critical is true in " + body).isTrue();
            assertThat(body.path("checks").path("cache").path("critical").isBoolean()
                    && !body.path("checks").path("cache").path("critical").asBoolean())
                    .as("checks.cache.critical is false in " + body).isTrue();
            assertThat(db.path("latency_ms").isIntegralNumber() && db.path("latency_ms").asLong() >= 0)
                    .as("checks.db.latency_ms is a whole number >= 0 in " + body).isTrue();
            assertThat(db.path("latency_ms").asLong()).as("checks.db.latency_ms in %s: the check ran within the %d ms "
                    + "the request took", body, tookMs).isLessThanOrEqualTo(tookMs);
            assertThat(db.has("error")).as("an up check has no \"error\": " + body).isFalse();

            // Check names: unique, 1-64 characters of [a-z0-9_].
            HealthService.start(quick(), List.of(FakeCheck.up("a_9".repeat(21) + "z", true))).close();
            for (List<String> names : List.of(List.of("db", "db"), List.of("Db"), List.of(""), List.of("a".repeat(65)),
                    List.of("db-1"))) {
                List<HealthCheck> bad = names.stream().map(n -> (HealthCheck) FakeCheck.up(n, true)).toList();
                Stubs.thrownBy(IllegalArgumentException.class, () -> HealthService.start(quick(), bad).close(),
                        "HealthService.start with checks named " + names);
            }
        }

        @Test
        @Points(4)
        @DisplayName("a non-critical dependency down, or any degraded: 200 with status degraded, the error text of the one down")
        @Hint("down if a critical check is down (503); else degraded (200) if any check is not up; else ok.")
        void degraded() throws Exception {
            FakeCheck cache = new FakeCheck("cache", false, Duration.ofSeconds(5), c -> {
                throw new IOException("connection refused by cache:6379");
            });
            FakeCheck search = new FakeCheck("search", true, Duration.ofSeconds(5), c -> Status.DEGRADED);
            start(quick(), FakeCheck.up("db", true), cache, search);

            HttpResponse<String> r = get("/healthz");

            JsonNode body = json(r);
            assertThat(r.statusCode()).as("status of /healthz with a non-critical check down: " + body).isEqualTo(200);
            assertThat(body.path("status").asString()).as("\"status\" in " + body).isEqualTo("degraded");
            assertThat(body.path("dependencies").path("cache").asString()).as("dependencies.cache").isEqualTo("down");
            assertThat(body.path("dependencies").path("search").asString()).as("dependencies.search")
                    .isEqualTo("degraded");
            assertThat(body.path("dependencies").path("db").asString()).as("dependencies.db").isEqualTo("up");
            assertThat(body.path("checks").path("cache").path("error").asString())
                    .as("checks.cache.error carries the exception's message: " + body)
                    .contains("connection refused by cache:6379");
        }

        @Test
        @Points(3)
        @DisplayName("a critical dependency down: 503 with status down")
        void criticalDown() throws Exception {
            FakeCheck db = new FakeCheck("db", true, Duration.ofSeconds(5), c -> Status.DOWN);
            start(quick(), db, FakeCheck.up("cache", false));

            HttpResponse<String> r = get("/healthz");

            JsonNode body = json(r);
            assertThat(r.statusCode()).as("status of /healthz with a critical check down: " + body).isEqualTo(503);
            assertThat(body.path("status").asString()).as("\"status\" in " + body).isEqualTo("down");
            assertThat(body.path("dependencies").path("db").asString()).as("dependencies.db").isEqualTo("down");
            assertThat(body.path("checks").path("db").has("error")).as("a down check has an \"error\": " + body).isTrue();
        }

        @Test
        @Points(4)
        @DisplayName("the checks run in parallel: three checks that each wait for the other two all come back up")
        @Hint("Start every check on its own thread (a virtual thread each is fine), then collect the results.")
        void parallel() throws Exception {
            CountDownLatch allStarted = new CountDownLatch(3);
            FakeCheck.Behavior rendezvous = c -> {
                allStarted.countDown();
                if (!allStarted.await(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other checks never started while this one ran: run serially");
                }
                return Status.UP;
            };
            start(quick(), new FakeCheck("a", true, Duration.ofSeconds(20), rendezvous),
                    new FakeCheck("b", true, Duration.ofSeconds(20), rendezvous),
                    new FakeCheck("c", false, Duration.ofSeconds(20), rendezvous));

            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/healthz")).timeout(Duration.ofSeconds(30)).build(),
                    "/healthz");

            JsonNode body = json(r);
            assertThat(body.path("dependencies").toString())
                    .as("three checks that each wait up to 5 s for the other two to start: all up only when they "
                            + "run at the same time; got " + body)
                    .isEqualTo("{\"a\":\"up\",\"b\":\"up\",\"c\":\"up\"}");
        }

        @Test
        @Points(5)
        @DisplayName("a check that hangs is down with a 'timed out' error once its timeout has passed, and /healthz answers")
        @Hint("Each check's timeout counts from when it started: wait for a check until its start + timeout, not a fresh "
                + "Future.get(timeout) per check one after the other (five hung checks would then add up); a check that "
                + "never returns must not hold the answer.")
        void hungCheckTimesOut() throws Exception {
            CountDownLatch never = new CountDownLatch(1);
            FakeCheck hung = new FakeCheck("slow_api", false, Duration.ofMillis(300), c -> {
                never.await(); // blocks until the test ends (the latch is released below)
                return Status.UP;
            });
            toClose.add(never::countDown);
            // Four more hung checks: each timeout counts from when its check started, so they end together.
            List<HealthCheck> checks = new ArrayList<>(List.of(FakeCheck.up("db", true), hung));
            for (int i = 1; i <= 4; i++) {
                checks.add(new FakeCheck("slow_api" + i, false, Duration.ofMillis(300), c -> {
                    never.await();
                    return Status.UP;
                }));
            }
            start(quick(), checks.toArray(HealthCheck[]::new));

            long started = System.nanoTime();
            HttpResponse<String> r = get("/healthz");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            JsonNode body = json(r);
            assertThat(r.statusCode()).as("a non-critical check timed out: still 200 (degraded): " + body).isEqualTo(200);
            assertThat(body.path("dependencies").path("slow_api").asString()).as("dependencies.slow_api in " + body)
                    .isEqualTo("down");
            assertThat(body.path("checks").path("slow_api").path("error").asString().toLowerCase())
                    .as("checks.slow_api.error says it timed out: " + body).contains("timed out");
            assertThat(body.path("dependencies").path("db").asString()).as("the other check is unaffected")
                    .isEqualTo("up");
            assertThat(tookMs).as("/healthz took %d ms with five hung checks of 300 ms timeout each, started together: each"
                    + " timeout counts from when its check started, so the answer may not wait for five in a row (1.5 s)",
                    tookMs).isGreaterThanOrEqualTo(250).isLessThan(1_400);
            assertThat(body.path("checks").path("slow_api").path("latency_ms").asLong())
                    .as("checks.slow_api.latency_ms of a check that timed out after 300 ms (about its timeout): " + body)
                    .isBetween(250L, 1_400L);
            await().atMost(ANSWER).untilAsserted(() -> {
                PromText m = metrics();
                assertThat(m.value("health_check_duration_seconds_count", labels("dependency", "slow_api")))
                        .as("health_check_duration_seconds_count{dependency=\"slow_api\"}: a timed-out run counts once")
                        .isEqualTo(1.0);
                assertThat(m.value("health_check_duration_seconds_sum", labels("dependency", "slow_api")))
                        .as("health_check_duration_seconds_sum{dependency=\"slow_api\"}: a timed-out run counts with its "
                                + "timeout (0.3 s)")
                        .isBetween(0.25, 1.4);
            });
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: the real checks")
    class RealChecks {

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

        final CheckContext context = new CheckContext("test-run-1");

        @Test
        @Points(3)
        @DisplayName("HttpDependencyCheck: a 2xx is up; a 500 is down with the status in the error; a hung server is down "
                + "within the timeout")
        @Hint("HttpClient.send with HttpRequest.timeout(timeout); any status outside 200-299 is an exception with the status "
                + "in its message.")
        void httpDependency() throws Exception {
            wireMock.stubFor(WireMock.get(urlEqualTo("/ok")).willReturn(aResponse().withStatus(204)));
            wireMock.stubFor(WireMock.get(urlEqualTo("/broken")).willReturn(aResponse().withStatus(500)));
            wireMock.stubFor(WireMock.get(urlEqualTo("/hang")).willReturn(aResponse().withStatus(200).withFixedDelay(20_000)));
            HttpClient checkClient = HttpClient.newHttpClient();
            toClose.add(checkClient);
            String base = wireMock.baseUrl();
            HttpDependencyCheck ok = new HttpDependencyCheck("ok", true, Duration.ofSeconds(5), checkClient,
                    URI.create(base + "/ok"));
            HttpDependencyCheck hang = new HttpDependencyCheck("hang", false, Duration.ofMillis(500), checkClient,
                    URI.create(base + "/hang"));
            assertAccessors(ok, "ok", true, Duration.ofSeconds(5));
            assertAccessors(hang, "hang", false, Duration.ofMillis(500));
            start(quick(), ok,
                    new HttpDependencyCheck("broken", false, Duration.ofSeconds(5), checkClient, URI.create(base + "/broken")),
                    hang);

            JsonNode body = json(get("/healthz"));

            assertThat(body.path("dependencies").path("ok").asString()).as("a 204 is up: " + body).isEqualTo("up");
            assertThat(body.path("dependencies").path("broken").asString()).as("a 500 is down: " + body).isEqualTo("down");
            assertThat(body.path("checks").path("broken").path("error").asString()).as("the error names the status: " + body)
                    .contains("500");
            assertThat(body.path("dependencies").path("hang").asString()).as("a server that answers after 20 s, with "
                    + "a 500 ms timeout: " + body).isEqualTo("down");
            assertThat(body.path("checks").path("hang").path("latency_ms").asLong()).as("checks.hang.latency_ms")
                    .isLessThan(5_000);
            assertThat(wireMock.findAll(getRequestedFor(urlEqualTo("/ok"))))
                    .as("the check sent GET to its URI exactly once").hasSize(1);
        }

        @Test
        @Points(3)
        @DisplayName("TcpPortCheck: a listening port is up, a closed port is down")
        void tcpPort() throws Exception {
            ServerSocket listening = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            toClose.add(listening);
            InetAddress loopback = InetAddress.getLoopbackAddress();
            TcpPortCheck open = new TcpPortCheck("open", true, Duration.ofSeconds(5),
                    new InetSocketAddress(loopback, listening.getLocalPort()));
            TcpPortCheck closed = new TcpPortCheck("closed", false, Duration.ofSeconds(5),
                    new InetSocketAddress(loopback, closedPort()));
            assertAccessors(open, "open", true, Duration.ofSeconds(5));
            assertAccessors(closed, "closed", false, Duration.ofSeconds(5));
            start(quick(), open, closed);

            JsonNode body = json(get("/healthz"));

            assertThat(body.path("dependencies").path("open").asString()).as("a listening port: " + body).isEqualTo("up");
            assertThat(body.path("dependencies").path("closed").asString()).as("a closed port: " + body).isEqualTo("down");
            assertThat(body.path("checks").path("closed").path("error").asString()).as("the error of a closed port")
                    .isNotBlank();
        }

        @Test
        @Points(3)
        @DisplayName("DiskSpaceCheck: up above warnFreeBytes, degraded between the two thresholds, down below minFreeBytes")
        void diskSpace() throws Exception {
            Duration t = Duration.ofSeconds(5);
            assertAccessors(new DiskSpaceCheck("plenty", true, t, tmp, 0, 1), "plenty", true, t);
            assertAccessors(new DiskSpaceCheck("low", false, Duration.ofMillis(300), tmp, 0, 1), "low", false,
                    Duration.ofMillis(300));
            start(quick(),
                    new DiskSpaceCheck("plenty", true, t, tmp, 0, 1),
                    new DiskSpaceCheck("low", false, t, tmp, 0, Long.MAX_VALUE),
                    new DiskSpaceCheck("full", false, t, tmp, Long.MAX_VALUE, Long.MAX_VALUE),
                    new DiskSpaceCheck("missing", false, t, tmp.resolve("no-such-dir"), 0, 0));

            JsonNode body = json(get("/healthz"));

            assertThat(body.path("dependencies").path("plenty").asString()).as("free space above both thresholds: " + body)
                    .isEqualTo("up");
            assertThat(body.path("dependencies").path("low").asString()).as("below warnFreeBytes only: " + body)
                    .isEqualTo("degraded");
            assertThat(body.path("dependencies").path("full").asString()).as("below minFreeBytes: " + body)
                    .isEqualTo("down");
            assertThat(body.path("dependencies").path("missing").asString()).as("a path that does not exist: " + body)
                    .isEqualTo("down");
            // The boundaries, exactly: procfs reports 0 bytes free, which equals thresholds of 0 (free < min is down,
            // free < warn degraded, so free == both is up) and sits below thresholds of 1.
            Path proc = Path.of("/proc");
            if (Files.isDirectory(proc) && Files.getFileStore(proc).getUsableSpace() == 0) {
                assertThat(new DiskSpaceCheck("edge", false, t, proc, 0, 0).check(context))
                        .as("DiskSpaceCheck with 0 bytes free, minFreeBytes 0 and warnFreeBytes 0 (free == both)")
                        .isEqualTo(Status.UP);
                assertThat(new DiskSpaceCheck("edge", false, t, proc, 0, 1).check(context))
                        .as("DiskSpaceCheck with 0 bytes free, minFreeBytes 0 and warnFreeBytes 1").isEqualTo(Status.DEGRADED);
                Stubs.thrownBy(Exception.class, () -> new DiskSpaceCheck("edge", false, t, proc, 1, 1).check(context),
                        "DiskSpaceCheck with 0 bytes free and minFreeBytes 1 (down: an exception)");
            }
        }

        @Test
        @Points(4)
        @DisplayName("RedisHealthCheck speaks RESP: +PONG is up, -LOADING degraded, another error down with its text, silence "
                + "down within the timeout")
        @Hint("Write *1\\r\\n$4\\r\\nPING\\r\\n, read one line ending in \\r\\n, all within the check's timeout: a connect "
                + "timeout, and a deadline for the whole line (SO_TIMEOUT bounds one read, so set it to the time left "
                + "before each read).")
        void redisProtocol() throws Exception {
            InetSocketAddress pong = fakeRedis("+PONG\r\n");
            InetSocketAddress loading = fakeRedis("-LOADING Redis is loading the dataset in memory\r\n");
            InetSocketAddress noauth = fakeRedis("-NOAUTH Authentication required.\r\n");
            InetSocketAddress silent = fakeRedis(null);
            Duration t = Duration.ofSeconds(5);

            assertAccessors(new RedisHealthCheck("r_1", true, t, pong), "r_1", true, t);
            assertAccessors(new RedisHealthCheck("r_2", false, Duration.ofMillis(300), pong), "r_2", false,
                    Duration.ofMillis(300));
            assertThat(new RedisHealthCheck("r", true, t, pong).check(context)).as("a +PONG reply").isEqualTo(Status.UP);
            assertThat(new RedisHealthCheck("r", true, t, loading).check(context)).as("a -LOADING reply")
                    .isEqualTo(Status.DEGRADED);
            Throwable noauthError = Stubs.thrownBy(Exception.class,
                    () -> new RedisHealthCheck("r", true, t, noauth).check(context), "PING answered -NOAUTH");
            assertThat(noauthError.getMessage()).as("the error of a -NOAUTH reply").contains("NOAUTH");
            long started = System.nanoTime();
            Stubs.thrownBy(Exception.class,
                    () -> new RedisHealthCheck("r", true, Duration.ofMillis(400), silent).check(context),
                    "PING to a server that never answers (400 ms timeout)");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(tookMs).as("a silent server with a 400 ms timeout: the check gave up after %d ms", tookMs)
                    .isGreaterThanOrEqualTo(350).isLessThan(5_000);
            // A reply trickled one byte every 150 ms (+PONG in 1 s): each read is quick, the whole line is not.
            InetSocketAddress trickle = fakeRedis("+PONG\r\n", Duration.ofMillis(150));
            Stubs.thrownBy(Exception.class,
                    () -> new RedisHealthCheck("r", true, Duration.ofMillis(400), trickle).check(context),
                    "PING to a server that sends +PONG one byte every 150 ms (400 ms timeout: no complete line within"
                            + " it; a socket read timeout alone bounds each read, not the line)");
        }

        /** A real check's name(), critical() and timeout() are its constructor's first three arguments. */
        static void assertAccessors(HealthCheck check, String name, boolean critical, Duration timeout) {
            String what = check.getClass().getSimpleName() + "(\"" + name + "\", " + critical + ", " + timeout + ", ...)";
            assertThat(check.name()).as("name() of " + what).isEqualTo(name);
            assertThat(check.critical()).as("critical() of " + what).isEqualTo(critical);
            assertThat(check.timeout()).as("timeout() of " + what).isEqualTo(timeout);
        }

        /**
         * A socket that reads one PING (RESP array or inline) and answers {@code reply}, or nothing when null; the
         * connection is closed when the test ends.
         */
        InetSocketAddress fakeRedis(@Nullable String reply) throws IOException {
            return fakeRedis(reply, Duration.ZERO);
        }

        /** As {@link #fakeRedis(String)}, with {@code pause} before each byte of the reply. */
        InetSocketAddress fakeRedis(@Nullable String reply, Duration pause) throws IOException {
            ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            toClose.add(server);
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        toClose.add(socket);
                        Thread.ofVirtual().start(() -> answer(socket, reply, pause));
                    } catch (IOException e) {
                        return; // closed at the end of the test
                    }
                }
            });
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        private static void answer(Socket socket, @Nullable String reply, Duration pause) {
            try {
                InputStream in = socket.getInputStream();
                StringBuilder seen = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0) {
                    seen.append((char) b);
                    if (seen.toString().toUpperCase().matches("(?s).*PING\r\n")) {
                        break;
                    }
                }
                if (reply != null && b >= 0) {
                    OutputStream out = socket.getOutputStream();
                    for (byte c : reply.getBytes(StandardCharsets.US_ASCII)) {
                        if (pause.isPositive()) {
                            Thread.sleep(pause); // the byte rate of a stalling server, not a synchronisation
                        }
                        out.write(c);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the check hung up first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @RealRedis
    @Tag("task:1")
    @DisplayName("Task 1: the Redis check against a real redis-server")
    class RealRedisCheck {

        @Test
        @Points(2)
        @DisplayName("RedisHealthCheck: a running redis-server is up (one PING); once it is stopped, down")
        void realRedis(TestRedis redis) throws Exception {
            MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
            RedisHealthCheck check = new RedisHealthCheck("redis", false, Duration.ofSeconds(5),
                    new InetSocketAddress(redis.host(), redis.port()));
            start(quick().withCache(Duration.ofSeconds(10), Duration.ofSeconds(20)).withClock(clock), check);

            JsonNode up = json(get("/healthz"));
            assertThat(up.path("dependencies").path("redis").asString()).as("a running redis-server: " + up)
                    .isEqualTo("up");
            assertThat(redis.calls("ping")).as("PING commands redis-server received for one round").isEqualTo(1);

            redis.stop();
            clock.advance(Duration.ofSeconds(30));
            JsonNode down = json(get("/healthz"));
            assertThat(down.path("dependencies").path("redis").asString()).as("redis-server stopped: " + down)
                    .isEqualTo("down");
            assertThat(down.path("status").asString()).as("a non-critical Redis down: " + down).isEqualTo("degraded");
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:2")
    @DisplayName("Task 2: liveness, readiness and cached results")
    class LivenessReadinessCache {

        @Test
        @Points(4)
        @DisplayName("/livez is 200 while a critical dependency is down, and runs no check")
        @Hint("Liveness is about the process only: a dependency in it restarts every instance when the database blips.")
        void livenessIgnoresDependencies() throws Exception {
            FakeCheck db = new FakeCheck("db", true, Duration.ofSeconds(5), c -> Status.DOWN);
            start(quick(), db);

            HttpResponse<String> r = get("/livez");

            assertThat(r.statusCode()).as("/livez with the critical dependency down").isEqualTo(200);
            assertThat(json(r).path("status").asString()).as("/livez body " + r.body()).isEqualTo("ok");
            assertThat(db.calls.get()).as("checks run by /livez").isZero();
        }

        @Test
        @Points(4)
        @DisplayName("/readyz is 503 while a critical dependency is down, 200 when only a non-critical one is")
        void readiness() throws Exception {
            FakeCheck db = new FakeCheck("db", true, Duration.ofSeconds(5), c -> Status.DOWN);
            start(quick(), db, FakeCheck.up("other", false));
            HttpResponse<String> down = get("/readyz");
            assertThat(down.statusCode()).as("/readyz with a critical dependency down: " + down.body()).isEqualTo(503);
            assertThat(json(down).path("status").asString()).as("/readyz body").isEqualTo("not ready");
            service.close();

            FakeCheck cache = new FakeCheck("cache", false, Duration.ofSeconds(5), c -> Status.DOWN);
            start(quick(), FakeCheck.up("db", true), cache);
            HttpResponse<String> ready = get("/readyz");
            assertThat(ready.statusCode()).as("/readyz with only a non-critical dependency down: " + ready.body())
                    .isEqualTo(200);
            assertThat(json(ready).path("status").asString()).as("/readyz body").isEqualTo("ready");
        }

        @Test
        @Points(6)
        @DisplayName("100 concurrent /healthz requests run each check exactly once and all get its result")
        @Hint("Single flight: while a round of checks runs, later callers wait for that round instead of starting one.")
        void noStampede() throws Exception {
            CountDownLatch gate = new CountDownLatch(1);
            FakeCheck.Behavior held = c -> {
                gate.await();
                return Status.UP;
            };
            FakeCheck db = new FakeCheck("db", true, Duration.ofSeconds(30), held);
            FakeCheck cache = new FakeCheck("cache", false, Duration.ofSeconds(30), held);
            start(quick(), db, cache);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            // The gate opens before the client closes (close() waits for every request still in flight).
            try (HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                try {
                    for (int i = 0; i < 100; i++) {
                        answers.add(inBackground(() -> {
                            go.await();
                            return many.send(HttpRequest.newBuilder(uri("/healthz")).timeout(Duration.ofSeconds(30))
                                    .build(), HttpResponse.BodyHandlers.ofString());
                        }));
                    }
                    go.countDown();
                    await().atMost(ANSWER).until(() -> db.calls.get() >= 1 && cache.calls.get() >= 1
                            || answers.stream().anyMatch(CompletableFuture::isCompletedExceptionally));
                    // The requests keep arriving while the first round is held: none of them may start another.
                    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                            .until(() -> db.calls.get() == 1 && cache.calls.get() == 1);
                } finally {
                    go.countDown();
                    gate.countDown();
                }
                for (CompletableFuture<HttpResponse<String>> a : answers) {
                    HttpResponse<String> r = within(a, Duration.ofSeconds(30), "an answer to one of 100 /healthz");
                    assertThat(r.statusCode()).as("status of a concurrent /healthz: " + r.body()).isEqualTo(200);
                }
            }
            assertThat(db.calls.get()).as("calls of check db for 100 concurrent /healthz").isEqualTo(1);
            assertThat(cache.calls.get()).as("calls of check cache for 100 concurrent /healthz").isEqualTo(1);
        }

        @Test
        @Points(6)
        @DisplayName("results are reused for cacheInterval, served stale while one background refresh runs, never older than "
                + "maxStaleness")
        @Hint("Keep the last round and when it completed (Settings.clock()); age < interval: serve it; < maxStaleness: serve "
                + "it and start one refresh; else wait for a new round.")
        void cachedWithMaxStaleness() throws Exception {
            MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
            FakeCheck db = FakeCheck.up("db", true);
            start(quick().withCache(Duration.ofSeconds(10), Duration.ofSeconds(60)).withClock(clock), db);

            // The first round takes 61 s of clock time: it is as old as when it completed, so it is fresh.
            db.behave(c -> {
                clock.advance(Duration.ofSeconds(61));
                return Status.UP;
            });
            assertThat(get("/healthz").statusCode()).as("first /healthz").isEqualTo(200);
            assertThat(db.calls.get()).as("checks run by the first /healthz").isEqualTo(1);
            db.behave(c -> Status.UP);
            assertThat(get("/healthz").statusCode()).isEqualTo(200);
            assertThat(db.calls.get()).as("checks run by a /healthz right after a round that took 61 s of clock time (a"
                    + " round's age counts from when it completed, not from when it started)").isEqualTo(1);
            clock.advance(Duration.ofSeconds(9));
            assertThat(get("/healthz").statusCode()).isEqualTo(200);
            assertThat(get("/readyz").statusCode()).isEqualTo(200);
            assertThat(db.calls.get()).as("checks run 9 s later (cacheInterval 10 s)").isEqualTo(1);

            // Exactly 10 s old (cacheInterval <= age): stale, still served at once while one refresh runs in the
            // background (held here).
            clock.advance(Duration.ofSeconds(1));
            CountDownLatch release = new CountDownLatch(1);
            toClose.add(release::countDown);
            db.behave(c -> {
                release.await();
                return Status.DOWN;
            });
            HttpResponse<String> stale = get("/healthz");
            assertThat(stale.statusCode()).as("/healthz while the refresh is held: the stale result, at once").isEqualTo(200);
            assertThat(json(stale).path("dependencies").path("db").asString())
                    .as("dependencies.db in /healthz while the refresh is held (the stale round's result): " + stale.body())
                    .isEqualTo("up");
            await().atMost(ANSWER).untilAsserted(() -> assertThat(db.calls.get())
                    .as("a refresh started in the background once the result was cacheInterval (10 s) old").isEqualTo(2));
            for (int i = 0; i < 5; i++) {
                assertThat(get("/healthz").statusCode()).as("/healthz during the refresh").isEqualTo(200);
            }
            assertThat(db.calls.get()).as("calls while one refresh is already running").isEqualTo(2);
            release.countDown();
            await().atMost(ANSWER).untilAsserted(() -> assertThat(get("/healthz").statusCode())
                    .as("/healthz once the refresh has completed (db now down)").isEqualTo(503));

            // At maxStaleness the old result may not be served: the caller waits for a fresh one.
            db.behave(c -> Status.UP);
            clock.advance(Duration.ofSeconds(60));
            HttpResponse<String> fresh = get("/healthz");
            assertThat(fresh.statusCode()).as("/healthz exactly 60 s after the last round (age >= maxStaleness 60 s): a"
                    + " fresh result, not the stale 'down'").isEqualTo(200);
            assertThat(db.calls.get()).as("check runs in total").isEqualTo(3);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:3")
    @DisplayName("Task 3: /metrics, /config and routing")
    class MetricsConfigRouting {

        @Test
        @Points(4)
        @DisplayName("/metrics has http_server_request_duration_seconds per route template and status; unknown paths share "
                + "one 'unmatched' series")
        @Hint("Histogram.builder().name(...).labelNames(\"route\", \"status\"), observed once per request with the template, "
                + "never the raw path.")
        void requestHistogram() throws Exception {
            start(quick(), FakeCheck.up("db", true));
            long started = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                get("/livez");
            }
            for (int i = 0; i < 20; i++) {
                assertThat(get("/nope-" + i).statusCode()).as("GET /nope-" + i).isEqualTo(404);
            }
            HttpResponse<String> r = get("/metrics");
            assertThat(r.headers().firstValue("Content-Type")).as("Content-Type of /metrics")
                    .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));

            await().atMost(ANSWER).untilAsserted(() -> {
                PromText m = metrics();
                // Each of the three /livez was observed between the test's start and this scrape.
                double seconds = (System.nanoTime() - started) / 1e9;
                assertThat(m.value("http_server_request_duration_seconds_count", labels("route", "/livez", "status", "200")))
                        .as("http_server_request_duration_seconds_count{route=\"/livez\",status=\"200\"}").isEqualTo(3.0);
                assertThat(m.value("http_server_request_duration_seconds_count",
                        labels("route", "unmatched", "status", "404")))
                        .as("http_server_request_duration_seconds_count{route=\"unmatched\",status=\"404\"}").isEqualTo(20.0);
                assertThat(m.find("http_server_request_duration_seconds_bucket",
                        labels("route", "/livez", "status", "200", "le", "+Inf")))
                        .as("the /livez series has buckets (a histogram, with le=\"+Inf\")").hasSize(1);
                assertThat(m.value("http_server_request_duration_seconds_sum", labels("route", "/livez", "status", "200")))
                        .as("http_server_request_duration_seconds_sum{route=\"/livez\",status=\"200\"}: three durations in"
                                + " seconds, each within the %.3f s since the test began", seconds)
                        .isBetween(0.0, 3 * seconds);
                assertThat(m.samples()).as("no series is labelled with a raw path")
                        .noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains("nope")));
            });
        }

        @Test
        @Points(4)
        @DisplayName("/metrics has health_dependency_status 1, 0.5 or 0 per dependency and health_check_duration_seconds "
                + "counting each run")
        void dependencyMetrics() throws Exception {
            MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
            FakeCheck up = FakeCheck.up("db", true);
            FakeCheck degraded = new FakeCheck("cache", false, Duration.ofSeconds(5), c -> Status.DEGRADED);
            FakeCheck down = new FakeCheck("search", false, Duration.ofSeconds(5), c -> {
                throw new IOException("no route to host");
            });
            start(quick().withCache(Duration.ofSeconds(10), Duration.ofSeconds(20)).withClock(clock), up, degraded, down);
            get("/healthz");
            clock.advance(Duration.ofSeconds(30)); // past maxStaleness: the next /healthz waits for round 2
            get("/healthz");

            PromText m = metrics();
            assertThat(m.value("health_dependency_status", labels("dependency", "db"))).as("gauge of an up dependency")
                    .isEqualTo(1.0);
            assertThat(m.value("health_dependency_status", labels("dependency", "cache")))
                    .as("gauge of a degraded dependency").isEqualTo(0.5);
            assertThat(m.value("health_dependency_status", labels("dependency", "search")))
                    .as("gauge of a down dependency").isEqualTo(0.0);
            for (String name : List.of("db", "cache", "search")) {
                assertThat(m.value("health_check_duration_seconds_count", labels("dependency", name)))
                        .as("health_check_duration_seconds_count{dependency=\"%s\"} after two rounds", name).isEqualTo(2.0);
            }
        }

        @Test
        @Points(5)
        @DisplayName("/config shows every key with secrets masked: by name (password, token, key, secret, credential) and the "
                + "password in a URI")
        @Hint("Mask where values turn into text: a key whose name, lower-cased without - _ ., ends in "
                + "password/passwd/secret/token/key(s) or contains credential.")
        void configMasked() throws Exception {
            Map<String, String> config = Map.of(
                    "db.password", "canary-pw-1",
                    "API_TOKEN", "canary-tok-2",
                    "signingKeys", "canary-key-3",
                    "client-secret", "canary-sec-4",
                    "aws.credentials.file", "canary-cred-5",
                    "redis.url", "redis://app:canary-uri-6@cache:6379/0",
                    "listen.port", "8080",
                    "log.level", "INFO",
                    "banner", "say \"hi\"\\ \t\u0001 \u00e9 end");
            start(quick().withConfig(config), FakeCheck.up("db", true));

            HttpResponse<String> r = get("/config");

            assertThat(r.statusCode()).as("GET /config").isEqualTo(200);
            JsonNode body = json(r);
            assertThat(body.path("listen.port").asString()).as("a plain value in " + body).isEqualTo("8080");
            assertThat(body.path("log.level").asString()).as("a plain value in " + body).isEqualTo("INFO");
            assertThat(body.path("banner").asString()).as("a value with a quote, a backslash, a tab, a control character "
                    + "and an accent, as a JSON string, in " + body).isEqualTo("say \"hi\"\\ \t\u0001 \u00e9 end");
            for (String secret : List.of("db.password", "API_TOKEN", "signingKeys", "client-secret", "aws.credentials.file")) {
                assertThat(body.path(secret).asString()).as("the secret %s in %s", secret, body).isEqualTo("***");
            }
            assertThat(body.path("redis.url").asString()).as("a URI's password in " + body)
                    .isEqualTo("redis://app:***@cache:6379/0");
            assertThat(r.body()).as("/config body").doesNotContain("canary");
        }

        @Test
        @Points(2)
        @DisplayName("an unknown path is 404, another method on a known path 405 with Allow: GET; both echo the request id")
        void routing() throws Exception {
            start(quick(), FakeCheck.up("db", true));
            HttpResponse<String> missing = get("/healthz/extra", Settings.REQUEST_ID_HEADER, "route-1");
            assertThat(missing.statusCode()).as("GET /healthz/extra").isEqualTo(404);
            assertThat(missing.headers().firstValue(Settings.REQUEST_ID_HEADER)).as("X-Request-ID of a 404")
                    .hasValue("route-1");
            HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/healthz")).timeout(ANSWER)
                    .header(Settings.REQUEST_ID_HEADER, "route-2").POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    "POST /healthz");
            assertThat(post.statusCode()).as("POST /healthz").isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).as("Allow header of a 405").hasValueSatisfying(
                    v -> assertThat(v).contains("GET"));
            assertThat(post.headers().firstValue(Settings.REQUEST_ID_HEADER)).as("X-Request-ID of a 405")
                    .hasValue("route-2");
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:4")
    @DisplayName("Task 4: request ids and logs")
    class RequestIdsAndLogs {

        @RegisterExtension
        final LogCapture accessLog = LogCapture.forLogger(Settings.ACCESS_LOG);
        @RegisterExtension
        final LogCapture checkLog = LogCapture.forLogger(FakeCheck.LOGGER);
        /** Everything logged under dev.opsworkbook: the service's loggers, whatever their names there. */
        @RegisterExtension
        final LogCapture everything = LogCapture.forLogger("dev.opsworkbook");

        @Test
        @Points(3)
        @DisplayName("a valid X-Request-ID (1-128 of [A-Za-z0-9._-]) is echoed; without one, a new id is generated and echoed")
        void echoedOrGenerated() throws Exception {
            start(quick(), FakeCheck.up("db", true));
            String longest = "a".repeat(127) + "Z";
            for (String id : List.of("abc-123", "A.b_C-9", "x", longest)) {
                HttpResponse<String> r = get("/livez", Settings.REQUEST_ID_HEADER, id);
                assertThat(r.headers().firstValue(Settings.REQUEST_ID_HEADER)).as("X-Request-ID echoed for '%s'",
                        id.length() > 20 ? id.substring(0, 20) + "..." : id).hasValue(id);
            }
            HttpResponse<String> first = get("/livez");
            HttpResponse<String> second = get("/livez");
            String a = first.headers().firstValue(Settings.REQUEST_ID_HEADER).orElse("");
            String b = second.headers().firstValue(Settings.REQUEST_ID_HEADER).orElse("");
            assertThat(a).as("the generated X-Request-ID of a request without one").matches(VALID_ID);
            assertThat(b).as("a second generated id differs from the first").matches(VALID_ID).isNotEqualTo(a);
        }

        @Test
        @Points(4)
        @DisplayName("a hostile X-Request-ID (CR LF, ANSI escape, 10 KB, '/', 129 chars, empty) is replaced and never logged")
        @Hint("Accept the id only if it matches [A-Za-z0-9._-]{1,128} as a whole; else generate a new one for this "
                + "request (do not repair the value sent). Never log the rejected value.")
        void hostileIdsReplaced() throws Exception {
            start(quick(), FakeCheck.up("db", true));
            Map<String, byte[]> hostile = new java.util.LinkedHashMap<>();
            hostile.put("CR LF and a forged log line", "abc\r\n{\"level\":\"ERROR\",\"msg\":\"forged\"}".getBytes(UTF_8));
            hostile.put("a bare LF", "abc\nforged".getBytes(UTF_8));
            hostile.put("an ANSI escape", "\u001b[31mred\u001b[0m".getBytes(UTF_8));
            hostile.put("10 KB", "A".repeat(10_240).getBytes(UTF_8));
            hostile.put("a path", "../../etc/passwd".getBytes(UTF_8));
            hostile.put("129 characters", "b".repeat(129).getBytes(UTF_8));
            hostile.put("spaces", "id with spaces".getBytes(UTF_8));
            hostile.put("non-ASCII", "caf\u00e9-\u00fc".getBytes(StandardCharsets.ISO_8859_1));
            hostile.put("empty", new byte[0]);
            int port = Objects.requireNonNull(service).port();
            int answered = 0;
            for (Map.Entry<String, byte[]> h : hostile.entrySet()) {
                RawHttp.Answer answer = RawHttp.get(port, "/livez", h.getValue());
                String echoed = answer.headers().getOrDefault("x-request-id", "");
                String sent = new String(h.getValue(), StandardCharsets.ISO_8859_1).strip();
                if (answer.status() == 400 && sent.contains("\n")) {
                    continue; // a line break in a header: the JDK's HTTP server rejects the request itself
                }
                assertThat(answer.status()).as("GET /livez with %s as X-Request-ID", h.getKey()).isEqualTo(200);
                answered++;
                assertThat(echoed).as("X-Request-ID answered to %s: a generated id", h.getKey()).matches(VALID_ID);
                if (!sent.isEmpty()) {
                    assertThat(echoed).as("the id answered to %s is not the one sent", h.getKey()).isNotEqualTo(sent);
                }
                String again = RawHttp.get(port, "/livez", h.getValue()).headers().getOrDefault("x-request-id", "");
                answered++;
                assertThat(again).as("the ids answered to two requests with %s (a new id for each, not a repaired"
                        + " copy of the one sent)", h.getKey()).isNotEqualTo(echoed);
            }
            int expected = answered;
            await().atMost(ANSWER).until(() -> accessLog.events().size() >= expected);
            for (ILoggingEvent e : everything.events()) {
                String text = e.getFormattedMessage() + " " + e.getMDCPropertyMap() + " " + LogCapture.keyValues(e);
                for (Map.Entry<String, byte[]> h : hostile.entrySet()) {
                    String sent = new String(h.getValue(), StandardCharsets.ISO_8859_1);
                    if (sent.length() >= 10) {
                        assertThat(text).as("a log event (logger %s) contains the %s id verbatim", e.getLoggerName(),
                                h.getKey()).doesNotContain(sent);
                    }
                }
                assertThat(text).as("a log event (logger %s) has an ANSI escape or CR", e.getLoggerName())
                        .doesNotContain("\u001b").doesNotContain("\r");
            }
        }

        @Test
        @Points(4)
        @DisplayName("one INFO access-log event per request, after it, with method, route, status, duration_ms and request_id "
                + "in the MDC")
        @Hint("Log with log.atInfo().addKeyValue(...) on the logger Settings.ACCESS_LOG, inside the MDC scope of the request.")
        void accessLog() throws Exception {
            start(quick(), FakeCheck.up("db", true));
            long started = System.nanoTime();
            get("/livez", Settings.REQUEST_ID_HEADER, "acc-1");
            get("/nothing-here", Settings.REQUEST_ID_HEADER, "acc-2");
            get("/healthz", Settings.REQUEST_ID_HEADER, "acc-3");

            await().atMost(ANSWER).until(() -> accessLog.events().size() >= 3);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            List<ILoggingEvent> events = accessLog.events();
            assertThat(events).as("access-log events for 3 requests").hasSize(3);
            Map<String, ILoggingEvent> byId = new HashMap<>();
            for (ILoggingEvent e : events) {
                assertThat(e.getLevel()).as("level of an access-log event").isEqualTo(Level.INFO);
                byId.put(e.getMDCPropertyMap().get(Settings.MDC_REQUEST_ID), e);
            }
            assertThat(byId.keySet()).as("request_id (MDC) of the access-log events").containsExactlyInAnyOrder(
                    "acc-1", "acc-2", "acc-3");
            assertAccess(byId.get("acc-1"), "/livez", 200, tookMs);
            assertAccess(byId.get("acc-2"), "unmatched", 404, tookMs);
            assertAccess(byId.get("acc-3"), "/healthz", 200, tookMs);
        }

        private void assertAccess(ILoggingEvent event, String route, int status, long tookMs) {
            Map<String, Object> kv = LogCapture.keyValues(event);
            assertThat(kv).as("key-values of the access-log event of %s", route)
                    .containsEntry("method", "GET").containsEntry("route", route).containsKey("duration_ms");
            assertThat(kv.get("status")).as("status of the access-log event of %s", route)
                    .isInstanceOf(Number.class);
            assertThat(((Number) kv.get("status")).intValue()).as("status of the access-log event of %s", route)
                    .isEqualTo(status);
            assertThat(kv.get("duration_ms")).as("duration_ms of the access-log event of %s", route)
                    .isInstanceOf(Number.class);
            assertThat(((Number) kv.get("duration_ms")).longValue())
                    .as("duration_ms of the access-log event of %s: the request's duration in milliseconds (the three "
                            + "requests took %d ms from the test's side)", route, tookMs)
                    .isBetween(0L, tookMs);
        }

        @Test
        @Points(4)
        @DisplayName("a check runs with the request id of the request that started it, in its CheckContext and in its "
                + "thread's MDC")
        @Hint("MDC is per thread and not inherited: copy the id into the check's thread yourself, and remove it when the "
                + "check ends.")
        void requestIdReachesCheckThreads() throws Exception {
            FakeCheck db = FakeCheck.up("db", true);
            FakeCheck cache = FakeCheck.up("cache", false);
            start(quick(), db, cache);

            get("/healthz", Settings.REQUEST_ID_HEADER, "rid-check-7");

            assertThat(db.contextIds).as("CheckContext.requestId() given to check db").containsExactly("rid-check-7");
            assertThat(cache.contextIds).as("CheckContext.requestId() given to check cache").containsExactly("rid-check-7");
            assertThat(db.mdcIds).as("MDC request_id on the thread of check db").containsExactly("rid-check-7");
            assertThat(cache.mdcIds).as("MDC request_id on the thread of check cache").containsExactly("rid-check-7");
            assertThat(checkLog.events()).as("events logged by the checks").hasSize(2)
                    .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).as("MDC of an event logged by a check")
                            .containsEntry(Settings.MDC_REQUEST_ID, "rid-check-7"));
        }

        @Test
        @Points(3)
        @DisplayName("HealthMain logs one JSON object per line on stdout, each access line once, with request_id")
        @Hint("health-logback.xml: a ConsoleAppender with LogstashEncoder on the root; no second appender on the access "
                + "logger (additivity).")
        @Timeout(90)
        void jsonLogsOnce() throws Exception {
            try (ChildJvm jvm = ChildJvm.builder(HealthMain.class)
                    .jvmArgs("-Dlogback.configurationFile=health-logback.xml", "-XX:TieredStopAtLevel=1")
                    .args("--port", "0", "--version", "v9.9.9", "--drain-period", "PT0S").start()) {
                int port = awaitListening(jvm);
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/livez"))
                        .timeout(ANSWER).header(Settings.REQUEST_ID_HEADER, "once-5e1f").build(), "/livez of HealthMain");
                assertThat(r.statusCode()).as("/livez of HealthMain").isEqualTo(200);
                jvm.sendSigterm();
                assertThat(jvm.awaitExit(Duration.ofSeconds(30))).as("exit code after SIGTERM: " + jvm.outputForMessage())
                        .isZero();
                List<String> lines = jvm.stdoutLines().stream().filter(l -> !l.isBlank()).toList();
                for (String line : lines) {
                    try {
                        assertThat(JSON.readTree(line).isObject()).as("a stdout line is a JSON object: " + line).isTrue();
                    } catch (RuntimeException e) {
                        fail("a line on HealthMain's stdout is not JSON: " + line);
                    }
                }
                List<String> mine = lines.stream().filter(l -> l.contains("once-5e1f")).toList();
                assertThat(mine).as("stdout lines with the request id once-5e1f (one request: one access line)\n"
                        + String.join("\n", lines)).hasSize(1);
                JsonNode access = JSON.readTree(mine.getFirst());
                assertThat(access.path("request_id").asString()).as("request_id field of " + access).isEqualTo("once-5e1f");
                assertThat(access.path("route").asString()).as("route field of " + access).isEqualTo("/livez");
                assertThat(access.path("status").asInt()).as("status field of " + access).isEqualTo(200);
            }
        }
    }

    /** Waits for HealthMain's "listening" log line and returns its port (the line's "port" field). */
    static int awaitListening(ChildJvm jvm) {
        Pattern port = Pattern.compile("\"port\"\\s*:\\s*\"?(\\d+)");
        try {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50)).until(() ->
                    !jvm.process().isAlive() || jvm.stdoutLines().stream().anyMatch(l -> port.matcher(l).find()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            rethrowIfChildHitStub(jvm);
            throw new AssertionError("HealthMain logged no line with a \"port\" field within 40 s: "
                    + jvm.outputForMessage(), e);
        }
        rethrowIfChildHitStub(jvm);
        for (String line : jvm.stdoutLines()) {
            Matcher m = port.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("HealthMain exited before it was listening: " + jvm.outputForMessage());
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:5")
    @DisplayName("Task 5: graceful drain")
    class Drain {

        @Test
        @Points(7)
        @DisplayName("close(): /readyz is 503 at once, /livez 200, new connections are refused after the drain period, the "
                + "request in flight still gets its answer")
        @Hint("Flip a draining flag first, keep serving for drainPeriod, then HttpServer.stop(deadline): it waits for "
                + "exchanges in flight.")
        void closeDrains() throws Exception {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            FakeCheck db = new FakeCheck("db", true, Duration.ofSeconds(30), c -> {
                entered.countDown();
                release.await();
                return Status.UP;
            });
            toClose.add(release::countDown);
            HealthService svc = start(quick().withDrain(Duration.ofSeconds(3), Duration.ofSeconds(20)), db);
            int port = svc.port();
            CompletableFuture<HttpResponse<String>> inFlight = inBackground(() -> client.send(
                    HttpRequest.newBuilder(uri("/healthz")).timeout(Duration.ofSeconds(40)).build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(entered.await(ANSWER.toSeconds(), TimeUnit.SECONDS)).as("the /healthz request reached its check")
                    .isTrue();

            CompletableFuture<Boolean> closed = inBackground(() -> {
                svc.close();
                return true;
            });
            HttpResponse<String> readyz = get("/readyz");
            assertThat(readyz.statusCode()).as("/readyz right after close() began (draining)").isEqualTo(503);
            assertThat(json(readyz).path("status").asString()).as("/readyz body while draining").isEqualTo("draining");
            assertThat(get("/livez").statusCode()).as("/livez while draining").isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .failFast("close() returned while a request was still in flight", closed::isDone)
                    .until(() -> refused(port));
            assertThat(closed).as("close() waits for the request in flight").isNotDone();
            release.countDown();
            HttpResponse<String> answer = within(inFlight, Duration.ofSeconds(20), "the answer to the request in flight");
            assertThat(answer.statusCode()).as("the request in flight during the drain").isEqualTo(200);
            within(closed, Duration.ofSeconds(20), "close() returning");
            service = null; // closed

            // A check that never returns (30 s timeout) must not hold close() past a drain deadline of 1 s.
            CountDownLatch hungEntered = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            toClose.add(never::countDown);
            FakeCheck hung = new FakeCheck("db", true, Duration.ofSeconds(30), c -> {
                hungEntered.countDown();
                never.await();
                return Status.UP;
            });
            HealthService held = start(quick().withDrain(Duration.ZERO, Duration.ofSeconds(1)), hung);
            // Its answer, if any, does not matter: the listener and the exchange may be closed under it.
            var unused = inBackground(() -> client.send(HttpRequest.newBuilder(uri("/healthz"))
                    .timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.discarding()));
            assertThat(hungEntered.await(ANSWER.toSeconds(), TimeUnit.SECONDS)).as("the second /healthz reached its check")
                    .isTrue();
            within(inBackground(() -> {
                held.close();
                return true;
            }), Duration.ofSeconds(10), "close() returning (drainDeadline 1 s; a /healthz in flight is held by a check "
                    + "that never returns, 30 s timeout: the deadline bounds the wait for requests in flight)");
            service = null; // closed
        }

        static boolean refused(int port) throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
                return false;
            } catch (ConnectException e) {
                return true;
            }
        }

        static WireMockServer wireMock;

        @BeforeAll
        @Timeout(60)
        static void startWireMock() {
            wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(20)
                    .asynchronousResponseEnabled(false));
            wireMock.start();
        }

        @AfterAll
        static void stopWireMock() {
            wireMock.stop();
        }

        @Test
        @Points(5)
        @DisplayName("SIGTERM: HealthMain answers /readyz 503, finishes the request in flight and exits 0")
        @Hint("Handle SIGTERM (sun.misc.Signal, or a shutdown hook that drains), close the service, then exit 0.")
        @Timeout(90)
        void sigtermDrains() throws Exception {
            wireMock.stubFor(WireMock.get(urlEqualTo("/dep")).willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));
            try (ChildJvm jvm = ChildJvm.builder(HealthMain.class)
                    .jvmArgs("-Dlogback.configurationFile=health-logback.xml", "-XX:TieredStopAtLevel=1")
                    .args("--port", "0", "--http-url", wireMock.baseUrl() + "/dep", "--check-timeout", "PT10S",
                            "--drain-period", "PT5S", "--drain-deadline", "PT20S").start()) {
                int port = awaitListening(jvm);
                URI base = URI.create("http://127.0.0.1:" + port);
                CompletableFuture<HttpResponse<String>> inFlight = inBackground(() -> client.send(
                        HttpRequest.newBuilder(base.resolve("/healthz")).timeout(Duration.ofSeconds(40)).build(),
                        HttpResponse.BodyHandlers.ofString()));
                await().atMost(ANSWER).until(() -> !wireMock.findAll(getRequestedFor(urlEqualTo("/dep"))).isEmpty());

                jvm.sendSigterm();
                // A /readyz that reaches the service before the signal does waits for the round in flight (2 s): each
                // poll gives up after 1 s, so that the drain period (5 s) is not spent waiting for it.
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .ignoreExceptionsInstanceOf(HttpTimeoutException.class)
                        .until(() -> client.send(HttpRequest.newBuilder(base.resolve("/readyz"))
                                .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString())
                                .statusCode() == 503);
                HttpResponse<String> answer = within(inFlight, Duration.ofSeconds(30), "the answer to the request in flight");
                assertThat(answer.statusCode()).as("/healthz in flight at SIGTERM: " + answer.body()).isEqualTo(200);
                assertThat(jvm.awaitExit(Duration.ofSeconds(30))).as("exit code after SIGTERM: " + jvm.outputForMessage())
                        .isZero();
            }
        }
    }
}
