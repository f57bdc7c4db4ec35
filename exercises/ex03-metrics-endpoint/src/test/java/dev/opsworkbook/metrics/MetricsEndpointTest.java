package dev.opsworkbook.metrics;

import static dev.opsworkbook.metrics.Exposition.samples;
import static dev.opsworkbook.metrics.Exposition.value;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import dev.opsworkbook.testing.HttpWarmUp;
import dev.opsworkbook.testing.LeakCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grading suite of ex03 metrics-endpoint. The official Prometheus Java client
 * ({@code prometheus-metrics-core} with its text writer) is the oracle for the exposition format: the same
 * registrations and updates go to both registries and the texts must be identical. The endpoint and the
 * middleware run on a real JDK {@code HttpServer} on loopback, called with the JDK {@code HttpClient}.
 */
@DisplayName("ex03 metrics-endpoint: Prometheus counter, histogram, exposition and request instrumentation")
class MetricsEndpointTest {

    /** The official client (the oracle) starts one shared scheduler thread for good. */
    @RegisterExtension
    static final LeakCheck LEAKS = LeakCheck.ignoringThreads("prometheus-metrics-scheduler-\\d+");

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /**
     * Loads and starts the JDK's HTTP server and client once, before any test: on a busy machine their first use
     * takes seconds, which must not count against the timeout of whichever HTTP test runs first.
     */
    @BeforeAll
    @Timeout(60)
    static void warmUpHttp() throws Exception {
        HttpWarmUp.jdkServerAndClient();
    }

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: counter")
    class CounterTask {

        @Test
        @Points(3)
        @Hint("One series per distinct combination of label values: labels(\"GET\") twice must return the same"
                + " series, labels(\"POST\") another one. The values come in the order the label names were"
                + " registered; the scrape sorts the labels by name, each value staying next to its own name.")
        @DisplayName("increments add up, per series: unlabelled, and one series per combination of label values")
        void incrementsAddUpPerSeries() {
            MetricsRegistry registry = new MetricsRegistry();
            Counter jobs = registry.counter("jobs", "Jobs run.");
            Counter requests = registry.counter("requests", "Requests.", "method", "code");

            jobs.inc();
            jobs.inc(2.5);
            requests.labels("GET", "200").inc();
            requests.labels("GET", "200").inc(2);
            requests.labels("POST", "500").inc();

            assertThat(jobs.value()).as("unlabelled counter after inc() and inc(2.5)").isEqualTo(3.5);
            assertThat(requests.labels("GET", "200").value()).as("series {GET,200} after 1 + 2").isEqualTo(3.0);
            assertThat(requests.labels("POST", "500").value()).as("series {POST,500} after 1").isEqualTo(1.0);
            assertThat(requests.labels("PUT", "200").value()).as("a series never incremented").isZero();
            Counter bytes = registry.counter("bytes", "Bytes.");
            bytes.inc(1e19); // a whole number beyond any long
            bytes.inc(1e19);
            assertThat(bytes.value()).as("counter after inc(1e19) twice").isEqualTo(2e19);
            String text = registry.scrape();
            assertThat(samples(text)).as("sample lines (labels registered as method, code; written sorted by name)"
                            + " of:%n%s", text)
                    .containsEntry("requests_total{code=\"200\",method=\"GET\"}", "3.0")
                    .containsEntry("requests_total{code=\"500\",method=\"POST\"}", "1.0");
        }

        @Test
        @Points(3)
        @Hint("The exposed name of a counter ends in _total: add it on output, and strip it if the caller already"
                + " wrote it, so `jobs` and `jobs_total` are the same counter.")
        @DisplayName("a counter is exposed as <name>_total, whether or not it was registered with the suffix")
        void counterIsExposedWithTotalSuffix() {
            MetricsRegistry registry = new MetricsRegistry();
            registry.counter("jobs", "Jobs run.").inc();
            registry.counter("retries_total", "Retries.").inc(3);

            String text = registry.scrape();

            assertThat(samples(text)).as("sample lines of:%n%s", text)
                    .containsEntry("jobs_total", "1.0")
                    .containsEntry("retries_total", "3.0")
                    .doesNotContainKey("retries_total_total");
            assertThat(text).as("exposition").contains("# TYPE jobs_total counter\n");
            assertThatThrownBy(() -> registry.counter("jobs_total", "again"))
                    .as("registering jobs_total when jobs exists (the same counter)")
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @Points(3)
        @Hint("A counter only goes up: reject a negative, NaN or infinite amount before touching the value.")
        @DisplayName("negative, NaN and infinite increments are rejected and leave the value unchanged")
        void rejectsNegativeIncrements() {
            MetricsRegistry registry = new MetricsRegistry();
            Counter counter = registry.counter("bytes", "Bytes.");
            Counter.Child child = registry.counter("events", "Events.", "kind").labels("x");
            counter.inc(5);
            child.inc(5);

            for (double bad : new double[] {-1, -0.001, Double.NaN, Double.POSITIVE_INFINITY}) {
                assertThatThrownBy(() -> counter.inc(bad)).as("unlabelled counter.inc(%s)", bad)
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> child.inc(bad)).as("labelled child.inc(%s)", bad)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(counter.value()).as("unlabelled value after the rejected increments").isEqualTo(5.0);
            assertThat(child.value()).as("labelled value after the rejected increments").isEqualTo(5.0);
            counter.inc(0);
            assertThat(counter.value()).as("value after inc(0), which is allowed").isEqualTo(5.0);
        }

        @Test
        @Points(2)
        @Hint("A long wraps at 2^63 (about 9.22E18): 1,025 whole amounts of 9.0E15 add up past it, and a long sum (a"
                + " LongAdder's too) then reads as a huge negative number; read as unsigned, it wraps again at 2^64."
                + " A DoubleAdder cannot wrap (the official client adds amounts in one); a long is fine only while its"
                + " sum stays far from the wrap.")
        @DisplayName("a counter never goes down, whatever the amounts: 1,025 x inc(9.0E15) give 9.225E18, 2,100 give"
                + " 1.89E19 (past 2^63 and 2^64)")
        void neverGoesDownWhateverTheAmounts() {
            MetricsRegistry registry = new MetricsRegistry();
            Counter archived = registry.counter("archived_bytes", "Bytes archived.");
            Counter.Child sent = registry.counter("sent_bytes", "Bytes sent.", "link").labels("uplink");

            for (int i = 0; i < 1_025; i++) {
                archived.inc(9.0e15); // not read in between: the sum may only be looked at once, at the end
            }
            double previous = 0;
            List<String> wentDown = new ArrayList<>();
            for (int i = 1; i <= 2_100; i++) {
                sent.inc(9.0e15);
                double value = sent.value();
                if (value < previous && wentDown.size() < 5) {
                    wentDown.add("after increment #" + i + ": from " + previous + " to " + value);
                }
                previous = Math.max(previous, value);
            }

            assertThat(archived.value()).as("value after 1,025 x inc(9.0E15), as the official client gives it")
                    .isEqualTo(9.225e18);
            assertThat(wentDown).as("times the value went down while adding 9.0E15 2,100 times (read after each)")
                    .isEmpty();
            assertThat(sent.value()).as("value after 2,100 x inc(9.0E15)").isEqualTo(1.89e19);
            String text = registry.scrape();
            assertThat(samples(text)).as("sample lines of:%n%s", text)
                    .containsEntry("archived_bytes_total", "9.225E18")
                    .containsEntry("sent_bytes_total{link=\"uplink\"}", "1.89E19");
        }

        @Test
        @Points(2)
        @Hint("labels(...) needs exactly one non-null value per label name; inc() on a labelled counter has no"
                + " series to go to.")
        @DisplayName("wrong number of label values, a null value, and inc() on a labelled counter are rejected")
        void wrongLabelUseIsRejected() {
            MetricsRegistry registry = new MetricsRegistry();
            Counter counter = registry.counter("requests", "Requests.", "method", "code");

            assertThatThrownBy(() -> counter.labels("GET")).as("labels(\"GET\") for 2 label names")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> counter.labels("GET", "200", "x")).as("3 values for 2 label names")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> counter.labels("GET", null)).as("a null label value")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(counter::inc).as("inc() on a counter that has labels")
                    .isInstanceOf(IllegalStateException.class);
        }

        static Stream<Arguments> invalidNames() {
            return Stream.of(
                    invalid("a metric name starting with a digit", r -> r.counter("1requests", "h"), "1requests"),
                    invalid("a metric name with a dash", r -> r.counter("http-requests", "h"), "http-requests"),
                    invalid("an empty metric name", r -> r.counter("", "h"), ""), // any message that says something
                    invalid("a histogram name with a space", r -> r.histogram("a b", "h", Histogram.DEFAULT_BUCKETS),
                            "a b"),
                    invalid("a label name with a dot", r -> r.counter("ok", "h", "http.method"), "http.method"),
                    invalid("a label name starting with __ (reserved)", r -> r.counter("ok", "h", "__meta"), "__meta"),
                    invalid("a label name starting with a digit", r -> r.counter("ok", "h", "0code"), "0code"),
                    invalid("a label name given twice", r -> r.counter("ok", "h", "code", "code"), "code"),
                    invalid("a metric name registered twice", r -> {
                        r.counter("twice", "h");
                        r.counter("twice", "h");
                    }, "twice"),
                    invalid("a histogram name registered twice", r -> {
                        r.histogram("twice_seconds", "h", Histogram.DEFAULT_BUCKETS);
                        r.histogram("twice_seconds", "h", Histogram.DEFAULT_BUCKETS);
                    }, "twice_seconds"),
                    invalid("a counter and a histogram with the same name", r -> {
                        r.counter("shared", "h");
                        r.histogram("shared", "h", Histogram.DEFAULT_BUCKETS);
                    }, "shared"));
        }

        private static Arguments invalid(String what, ThrowingConsumer call, String inMessage) {
            return Arguments.of(what, call, inMessage);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidNames")
        @Points(2)
        @Hint("Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* and must not start"
                + " with __; a name can be registered once. Put the offending name in the message.")
        @DisplayName("invalid metric and label names, and duplicates, fail with a message naming them")
        void invalidNamesAreRejected(String what, ThrowingConsumer call, String inMessage) {
            MetricsRegistry registry = new MetricsRegistry();
            Throwable thrown = catchThrowable(() -> call.accept(registry));

            assertThat(thrown).as("what registering %s throws", what).isInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).as("the message for %s", what).isNotBlank().contains(inMessage);
        }
    }

    @FunctionalInterface
    interface ThrowingConsumer {
        void accept(MetricsRegistry registry) throws Exception;
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:2")
    @DisplayName("Task 2: histogram")
    class HistogramTask {

        @Test
        @Points(6)
        @Hint("Bucket le=X counts every observation <= X, so the lines are cumulative: store one count per bucket"
                + " and add them up while writing. +Inf counts everything and equals _count.")
        @DisplayName("buckets are cumulative, a value equal to a bound falls in it, +Inf equals _count, _sum adds up")
        void bucketsAreCumulative() {
            MetricsRegistry registry = new MetricsRegistry();
            Histogram latency = registry.histogram("latency_seconds", "Latency.", List.of(0.1, 0.5, 1.0));

            for (double v : new double[] {0.05, 0.1, 0.25, 0.5, 0.75, 3.0, Double.NaN}) {
                latency.observe(v);
            }
            String text = registry.scrape();

            assertThat(samples(text)).as("sample lines after observing 0.05 0.1 0.25 0.5 0.75 3.0 and NaN"
                            + " (ignored), in:%n%s", text)
                    .containsExactly(
                            Map.entry("latency_seconds_bucket{le=\"0.1\"}", "2"),
                            Map.entry("latency_seconds_bucket{le=\"0.5\"}", "4"),
                            Map.entry("latency_seconds_bucket{le=\"1.0\"}", "5"),
                            Map.entry("latency_seconds_bucket{le=\"+Inf\"}", "6"),
                            Map.entry("latency_seconds_count", "6"),
                            Map.entry("latency_seconds_sum", "4.65"));
        }

        @Test
        @Points(3)
        @Hint("Each combination of label values is its own series with its own buckets; le comes last. NaN is"
                + " ignored by a series from labels(...) too.")
        @DisplayName("labelled series are separate, and le is the last label of a bucket line")
        void labelledSeriesAreSeparate() {
            MetricsRegistry registry = new MetricsRegistry();
            Histogram size = registry.histogram("response_bytes", "Sizes.", List.of(100.0, 1000.0), "route");

            size.labels("/a").observe(50);
            size.labels("/a").observe(500);
            size.labels("/a").observe(Double.NaN); // ignored on a labelled series too
            size.labels("/b").observe(5000);
            Map<String, String> samples = samples(registry.scrape());

            assertThat(samples).as("sample lines after observing 50, 500 and NaN (ignored) on /a, 5000 on /b")
                    .containsEntry("response_bytes_bucket{route=\"/a\",le=\"100.0\"}", "1")
                    .containsEntry("response_bytes_bucket{route=\"/a\",le=\"+Inf\"}", "2")
                    .containsEntry("response_bytes_count{route=\"/a\"}", "2")
                    .containsEntry("response_bytes_sum{route=\"/a\"}", "550.0")
                    .containsEntry("response_bytes_bucket{route=\"/b\",le=\"1000.0\"}", "0")
                    .containsEntry("response_bytes_bucket{route=\"/b\",le=\"+Inf\"}", "1")
                    .containsEntry("response_bytes_count{route=\"/b\"}", "1");
            assertThatThrownBy(() -> size.observe(1)).as("observe() on a histogram that has labels")
                    .isInstanceOf(IllegalStateException.class);
        }

        static Stream<Arguments> invalidBuckets() {
            return Stream.of(
                    Arguments.of("unsorted bounds [1.0, 0.5]", List.of(1.0, 0.5), "sorted"),
                    Arguments.of("a duplicate bound [0.1, 0.5, 0.5]", List.of(0.1, 0.5, 0.5), "duplicate"),
                    Arguments.of("a NaN bound", List.of(0.1, Double.NaN), "finite"),
                    Arguments.of("an explicit +Inf bound", List.of(0.1, Double.POSITIVE_INFINITY), "finite"),
                    Arguments.of("a -Inf bound", List.of(Double.NEGATIVE_INFINITY, 0.1), "finite"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidBuckets")
        @Points(4)
        @Hint("Check the bounds in the constructor: strictly increasing and finite (+Inf is always added by you)."
                + " The message must say what is wrong: sorted, duplicate or finite.")
        @DisplayName("custom buckets must be sorted, unique and finite, or construction fails with a clear message")
        void invalidBucketsAreRejected(String what, List<Double> buckets, String inMessage) {
            MetricsRegistry registry = new MetricsRegistry();
            Throwable thrown = catchThrowable(() -> registry.histogram("h", "help", buckets));

            assertThat(thrown).as("registering a histogram with %s", what).isInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).as("the message for %s", what).containsIgnoringCase(inMessage);
            assertThatThrownBy(() -> registry.histogram("h2", "help", List.of(1.0), "le"))
                    .as("a histogram with a label named le (reserved for buckets)")
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @Points(2)
        @Hint("Format each bound like the sample values: Double.toString gives 0.005, 1.0, 10.0.")
        @DisplayName("the default buckets are exposed from le=\"0.005\" to le=\"10.0\" then +Inf")
        void defaultBuckets() {
            MetricsRegistry registry = new MetricsRegistry();
            registry.histogram("job_seconds", "Job time.", Histogram.DEFAULT_BUCKETS).observe(0.3);

            assertThat(samples(registry.scrape()).keySet()).as("series of a histogram with the default buckets")
                    .containsExactly("job_seconds_bucket{le=\"0.005\"}", "job_seconds_bucket{le=\"0.01\"}",
                            "job_seconds_bucket{le=\"0.025\"}", "job_seconds_bucket{le=\"0.05\"}",
                            "job_seconds_bucket{le=\"0.1\"}", "job_seconds_bucket{le=\"0.25\"}",
                            "job_seconds_bucket{le=\"0.5\"}", "job_seconds_bucket{le=\"1.0\"}",
                            "job_seconds_bucket{le=\"2.5\"}", "job_seconds_bucket{le=\"5.0\"}",
                            "job_seconds_bucket{le=\"10.0\"}", "job_seconds_bucket{le=\"+Inf\"}",
                            "job_seconds_count", "job_seconds_sum");
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:3")
    @DisplayName("Task 3: text exposition format 0.0.4, identical to the official client")
    class ExpositionTask {

        @Test
        @Points(3)
        @Hint("The official writer sorts metrics by name, series by label values, and labels by name; it writes"
                + " # HELP, # TYPE, then the samples; counters as doubles (1.0), bucket counts as integers.")
        @DisplayName("a registry of counters and histograms is written exactly as the official client writes it")
        void sameAsOfficialClient() {
            Twin twin = new Twin();
            var requests = twin.counter("http_requests", "Requests handled.", "route", "method");
            var latency = twin.histogram("http_latency_seconds", "Latency.", List.of(0.05, 0.25, 1.0), "route");
            var restarts = twin.counter("restarts_total", "Restarts.");
            var queue = twin.histogram("queue_wait_seconds", "Queue wait.", Histogram.DEFAULT_BUCKETS);
            twin.counter("never_used", "A labelled counter with no series yet.", "x");

            requests.inc(1, "/b", "GET");
            requests.inc(3, "/a", "POST");
            requests.inc(0.5, "/a", "GET");
            restarts.inc(2);
            for (double v : new double[] {0.01, 0.25, 0.3, 7.5, 0.125}) {
                latency.observe(v, v < 0.2 ? "/fast" : "/slow");
                queue.observe(v);
            }

            assertThat(twin.mine.scrape()).as("your exposition (expected: the official client's)")
                    .isEqualTo(twin.officialText());
        }

        @Test
        @Points(3)
        @Hint("Label values escape backslash, double quote and newline (\\\\ \\\" \\n). HELP escapes only backslash"
                + " and newline. Everything else, Unicode included, is written as it is.")
        @DisplayName("label values escape \\ \" and newline, HELP escapes \\ and newline, Unicode passes through")
        void escaping() {
            Twin twin = new Twin();
            var counter = twin.counter("paths", "Paths \"seen\" under C:\\logs\nsecond line, ünïcødé ✓", "path");
            counter.inc(1, "C:\\temp\\new");
            counter.inc(1, "say \"hi\"");
            counter.inc(1, "two\nlines");
            counter.inc(1, "Grüße aus 東京 🚀");

            String text = twin.mine.scrape();

            assertThat(text).as("your exposition").contains(
                    "# HELP paths_total Paths \"seen\" under C:\\\\logs\\nsecond line, ünïcødé ✓\n",
                    "paths_total{path=\"C:\\\\temp\\\\new\"} 1.0\n",
                    "paths_total{path=\"say \\\"hi\\\"\"} 1.0\n",
                    "paths_total{path=\"two\\nlines\"} 1.0\n",
                    "paths_total{path=\"Grüße aus 東京 🚀\"} 1.0\n");
            assertThat(text).as("your exposition (expected: the official client's)").isEqualTo(twin.officialText());
        }

        @Test
        @Points(3)
        @Hint("Every line ends with \\n, the last one too. A labelled metric without any series is not written; an"
                + " unlabelled counter or histogram has its one series from registration on (0.0, zero buckets), before"
                + " any update.")
        @DisplayName("the text ends with a newline; a labelled metric with no series is left out, an unlabelled one is"
                + " there (at zero) before any update")
        void trailingNewline() {
            Twin twin = new Twin();
            twin.counter("b_total", "B.").inc(1);
            twin.counter("a", "A, labelled, no series.", "x");
            twin.histogram("c_seconds", "C, labelled, no series.", List.of(1.0), "x");
            twin.counter("idle", "Never incremented.");
            twin.histogram("idle_seconds", "Never observed.", List.of(0.5, 1.0));

            String text = twin.mine.scrape();

            assertThat(text).as("your exposition").endsWith("\n").doesNotContain("a_total", "c_seconds");
            assertThat(samples(text)).as("an unlabelled counter and histogram never updated (there from the start),"
                            + " in:%n%s", text)
                    .containsEntry("idle_total", "0.0")
                    .containsEntry("idle_seconds_bucket{le=\"+Inf\"}", "0")
                    .containsEntry("idle_seconds_count", "0")
                    .containsEntry("idle_seconds_sum", "0.0");
            assertThat(text).as("your exposition (expected: the official client's)").isEqualTo(twin.officialText());
        }

        @Test
        @Points(1)
        @Hint("Sort the metrics by the name they were registered under, without _total: a counter `job` comes before"
                + " `job_failed` and `job_seconds`, as in the official client (sorting `job_total` puts it last).")
        @DisplayName("metrics are sorted by name, a counter by its name without _total")
        void sortedByNameWithoutTotal() {
            Twin twin = new Twin();
            twin.histogram("job_seconds", "Job time.", List.of(1.0)).observe(0.5);
            twin.counter("job_failed_total", "Jobs failed.").inc(1);
            twin.counter("job", "Jobs run.").inc(1);

            String text = twin.mine.scrape();

            assertThat(text.lines().filter(l -> l.startsWith("# TYPE ")).toList())
                    .as("the # TYPE lines, in order, of:%n%s", text)
                    .containsExactly("# TYPE job_total counter", "# TYPE job_failed_total counter",
                            "# TYPE job_seconds histogram");
            assertThat(text).as("your exposition (expected: the official client's)").isEqualTo(twin.officialText());
        }

        @Test
        @Points(1)
        @Hint("Every number goes through the same formatting: an infinite value (a _sum after observing +Inf or -Inf)"
                + " is written +Inf or -Inf, never Java's Infinity.")
        @DisplayName("infinite values are written +Inf and -Inf: the _sum after observing an infinity")
        void infinitiesAsPlusMinusInf() {
            Twin twin = new Twin();
            var probe = twin.histogram("probe_seconds", "Probe time.", List.of(0.5), "target");
            probe.observe(Double.POSITIVE_INFINITY, "down");
            probe.observe(Double.NEGATIVE_INFINITY, "skewed");
            probe.observe(0.25, "up");

            String text = twin.mine.scrape();

            assertThat(samples(text)).as("sample lines of:%n%s", text)
                    .containsEntry("probe_seconds_sum{target=\"down\"}", "+Inf")
                    .containsEntry("probe_seconds_sum{target=\"skewed\"}", "-Inf")
                    .containsEntry("probe_seconds_sum{target=\"up\"}", "0.25");
            assertThat(text).as("your exposition (expected: the official client's)").isEqualTo(twin.officialText());
        }

        @Test
        @Points(1)
        @Hint("With an empty help text the official writer leaves the # HELP line out and writes only # TYPE.")
        @DisplayName("a metric with an empty help text has no # HELP line, as in the official client")
        void emptyHelpHasNoHelpLine() {
            Twin twin = new Twin();
            twin.counter("quiet", "").inc(1);
            twin.histogram("quiet_seconds", "", List.of(1.0)).observe(2);
            twin.counter("told", "Has help.").inc(1);

            String text = twin.mine.scrape();

            assertThat(text).as("your exposition").doesNotContain("# HELP quiet").contains("# TYPE quiet_total counter\n",
                    "# TYPE quiet_seconds histogram\n", "# HELP told_total Has help.\n");
            assertThat(text).as("your exposition (expected: the official client's)").isEqualTo(twin.officialText());
        }

        @Test
        @Points(1)
        @Hint("TextFormat.write(registry, writer) is public API too: scrape() can simply write into a StringWriter"
                + " with it, so both give the same text.")
        @DisplayName("TextFormat.write(registry, writer) writes the same text as scrape()")
        void textFormatWriteMatchesScrape() throws IOException {
            Twin twin = new Twin();
            twin.counter("requests", "Requests.", "code").inc(2, "200");
            twin.histogram("latency_seconds", "Latency.", List.of(0.1, 1.0)).observe(0.3);
            StringWriter out = new StringWriter();

            TextFormat.write(twin.mine, out);

            assertThat(out.toString()).as("what TextFormat.write wrote (expected: the official client's text)")
                    .isEqualTo(twin.officialText())
                    .isEqualTo(twin.mine.scrape());
        }

        @Test
        @Points(2)
        @Hint("String.format, NumberFormat and DecimalFormat use the default locale (0,25 in German)."
                + " Double.toString does not.")
        @DisplayName("numbers are written the same whatever the default locale (German, French, Hindi digits)")
        void localeIndependent() {
            Locale saved = Locale.getDefault();
            Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
            try {
                for (Locale locale : List.of(Locale.GERMANY, Locale.FRANCE, Locale.forLanguageTag("hi-IN-u-nu-deva"))) {
                    Locale.setDefault(locale);
                    Twin twin = new Twin();
                    twin.counter("bytes", "Bytes.").inc(1234567.5);
                    var h = twin.histogram("ratio", "Ratio.", List.of(0.25, 1.5, 2500.0));
                    h.observe(0.125);
                    h.observe(1e7);

                    assertThat(twin.mine.scrape()).as("your exposition with default locale %s", locale)
                            .isEqualTo(twin.officialText());
                }
            } finally {
                Locale.setDefault(saved);
                Locale.setDefault(Locale.Category.FORMAT, savedFormat);
            }
        }

        @Test
        @Points(2)
        @Hint("If the fixed examples pass and this fails, compare the first differing line: series order, label"
                + " order, escaping or number format.")
        @DisplayName("50 random registries (random names, labels, Unicode and escapes, values) match the official client")
        void randomRegistriesMatch() {
            Random random = new Random(20_261_124);
            for (int round = 0; round < 50; round++) {
                Twin twin = randomTwin(random);
                assertThat(twin.mine.scrape()).as("your exposition of random registry #%d", round)
                        .isEqualTo(twin.officialText());
            }
        }
    }

    private static final String[] ALPHABET = {
        "a", "b", "Z", "0", "_", " ", "/", "\\", "\"", "\n", "ü", "東", "🚀", "=", ",", "{", "#"};

    /** 1 to 4 counters and histograms with random names, labels, help, values and updates, in both registries. */
    static Twin randomTwin(Random random) {
        Twin twin = new Twin();
        int metrics = 1 + random.nextInt(4);
        for (int m = 0; m < metrics; m++) {
            String name = "m" + random.nextInt(1000) + "_" + m + (random.nextInt(4) == 0 ? "_total" : "");
            String[] labels = Stream.of("zone", "code", "path").limit(random.nextInt(4)).toArray(String[]::new);
            String help = random.nextInt(8) == 0 ? "" : randomText(random);
            if (random.nextBoolean()) {
                var c = twin.counter(name, help, labels);
                for (int i = 0; i < 1 + random.nextInt(6); i++) {
                    c.inc(random.nextInt(4000) / 8.0, randomValues(random, labels.length));
                }
            } else {
                var h = twin.histogram(name, help, List.of(0.5, 1.0, 64.0), labels);
                for (int i = 0; i < 1 + random.nextInt(6); i++) {
                    h.observe(random.nextInt(1000) / 8.0, randomValues(random, labels.length));
                }
            }
        }
        return twin;
    }

    private static String[] randomValues(Random random, int n) {
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = randomText(random);
        }
        return values;
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
            text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return text.toString();
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:4")
    @DisplayName("Task 4: the /metrics endpoint")
    class EndpointTask {

        @Test
        @Points(4)
        @Hint("Set Content-Type to TextFormat.CONTENT_TYPE exactly, and send the scrape as UTF-8 bytes with their"
                + " length (not the number of chars).")
        @DisplayName("GET /metrics: 200, Content-Type text/plain; version=0.0.4; charset=utf-8, the scrape as UTF-8")
        void getServesTheScrape() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            MetricsHandler handler = new MetricsHandler(registry);
            registry.counter("greetings", "Greetings.", "lang").labels("日本語").inc();
            URI uri = serve("/metrics", handler);

            HttpResponse<byte[]> response = sendOrExplain(HttpRequest.newBuilder(uri).GET(), "GET /metrics");

            assertThat(response.statusCode()).as("status of GET /metrics").isEqualTo(200);
            assertThat(response.headers().allValues("Content-Type")).as("Content-Type of GET /metrics")
                    .containsExactly("text/plain; version=0.0.4; charset=utf-8");
            assertThat(new String(response.body(), UTF_8)).as("body of GET /metrics").isEqualTo(registry.scrape())
                    .contains("greetings_total{lang=\"日本語\"} 1.0\n");
        }

        @Test
        @Points(3)
        @Hint("HEAD is GET without the body: same status and headers, Content-Length included (the length in UTF-8"
                + " bytes of the body a GET would send). With length -1 the server sends no Content-Length, so set"
                + " that header yourself before sendResponseHeaders(200, -1).")
        @DisplayName("HEAD /metrics: 200, the same Content-Type and Content-Length as GET, no body")
        void headWorks() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            MetricsHandler handler = new MetricsHandler(registry);
            registry.counter("up", "Up.").inc();
            registry.counter("greetings", "Greetings.", "lang").labels("Grüße, 日本語").inc();
            URI uri = serve("/metrics", handler);
            int getLength = registry.scrape().getBytes(UTF_8).length;

            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri).HEAD());

            assertThat(response.statusCode()).as("status of HEAD /metrics").isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).as("Content-Type of HEAD /metrics")
                    .contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.headers().firstValue("Content-Length"))
                    .as("Content-Length of HEAD /metrics (a GET sends %d bytes of UTF-8)", getLength)
                    .contains(Integer.toString(getLength));
            assertThat(response.body()).as("body of HEAD /metrics").isEmpty();
        }

        @Test
        @Points(3)
        @Hint("Allow GET and HEAD, refuse everything else (not only POST, PUT and DELETE): 405 Method Not Allowed,"
                + " with an Allow header listing GET and HEAD, and no body.")
        @DisplayName("POST, PUT, DELETE, PATCH and OPTIONS /metrics get 405 with Allow: GET, HEAD")
        void otherMethodsGet405() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            registry.counter("up", "Up.").inc();
            MetricsHandler handler = new MetricsHandler(registry);
            URI uri = serve("/metrics", handler);

            for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
                HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri)
                        .method(method, HttpRequest.BodyPublishers.ofString("x")));

                assertThat(response.statusCode()).as("status of %s /metrics", method).isEqualTo(405);
                assertThat(response.headers().firstValue("Allow")).as("Allow header of the 405 to %s", method)
                        .hasValueSatisfying(allow -> assertThat(allow).contains("GET").contains("HEAD"));
                assertThat(new String(response.body(), UTF_8)).as("body of the 405 to %s", method).isEmpty();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:5")
    @DisplayName("Task 5: consistent under concurrent writers and a continuous scraper")
    class ConsistencyTask {

        private static final int WRITERS = 4;
        private static final int MIN_PER_WRITER = 50_000;
        private static final int MIN_SCRAPES = 500;

        @Test
        @Points(8)
        @Timeout(30) // generous: a busy machine slows the writers and the scraper alike
        @Hint("A scrape must see each observation either entirely (bucket, count and sum) or not at all. Derive"
                + " _count from the buckets, and make an observation and the snapshot exclude each other (a lock"
                + " per series, or per stripe of a series).")
        @DisplayName("4 writers and a continuous scraper (500+ scrapes): every scrape is consistent, the final totals exact")
        void everyScrapeIsConsistent() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            Histogram histogram = registry.histogram("work_seconds", "Work.", List.of(0.5, 1.0, 2.0), "queue");
            Counter counter = registry.counter("work", "Work items.", "queue");
            double[] values = {0.5, 1.0, 2.0, 4.0}; // one per bucket: the sum follows from the bucket counts

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicBoolean scraping = new AtomicBoolean(true); // false once the scraper found a problem: writers stop
            List<String> problems = new ArrayList<>();
            AtomicLong scrapes = new AtomicLong();
            long[] expected = new long[4]; // observations per value, added up from what the writers report
            try (ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1)) {
                List<Future<long[]>> writers = new ArrayList<>();
                CyclicBarrier start = new CyclicBarrier(WRITERS + 1);
                for (int w = 0; w < WRITERS; w++) {
                    int seed = w;
                    writers.add(pool.submit(() -> {
                        Histogram.Child h = histogram.labels("q");
                        Counter.Child c = counter.labels("q");
                        long[] done = new long[4];
                        start.await();
                        // Write until the scraper has looked often enough (and at least MIN_PER_WRITER times).
                        for (int i = 0; scraping.get()
                                && (i < MIN_PER_WRITER || (scrapes.get() < MIN_SCRAPES && i < 50_000_000)); i++) {
                            h.observe(values[(i + seed) & 3]);
                            c.inc();
                            done[(i + seed) & 3]++;
                        }
                        return done;
                    }));
                }
                Future<?> scraper = pool.submit(() -> {
                    start.await();
                    long[] previous = new long[4];
                    double previousCounter = 0;
                    try {
                        while (writing.get() && problems.isEmpty()) {
                            String text = registry.scrape();
                            scrapes.incrementAndGet();
                            previousCounter = checkScrape(text, previous, previousCounter, problems);
                        }
                    } finally {
                        scraping.set(false);
                    }
                    return null;
                });
                for (Future<long[]> writer : writers) {
                    long[] done = writer.get();
                    for (int i = 0; i < 4; i++) {
                        expected[i] += done[i];
                    }
                }
                writing.set(false);
                scraper.get();
            }

            assertThat(problems).as("inconsistent scrapes (out of %d)", scrapes.get()).isEmpty();
            String text = registry.scrape();
            long total = expected[0] + expected[1] + expected[2] + expected[3];
            double sum = 0.5 * expected[0] + 1.0 * expected[1] + 2.0 * expected[2] + 4.0 * expected[3];
            assertThat(samples(text)).as("final sample lines")
                    .containsEntry("work_seconds_bucket{queue=\"q\",le=\"0.5\"}", Long.toString(expected[0]))
                    .containsEntry("work_seconds_bucket{queue=\"q\",le=\"2.0\"}",
                            Long.toString(expected[0] + expected[1] + expected[2]))
                    .containsEntry("work_seconds_bucket{queue=\"q\",le=\"+Inf\"}", Long.toString(total))
                    .containsEntry("work_seconds_count{queue=\"q\"}", Long.toString(total))
                    .containsEntry("work_seconds_sum{queue=\"q\"}", Double.toString(sum))
                    .containsEntry("work_total{queue=\"q\"}", Double.toString(total));
        }

        private double checkScrape(String text, long[] previous, double previousCounter, List<String> problems) {
            Map<String, String> s = samples(text);
            String b = "work_seconds_bucket{queue=\"q\",le=\"";
            if (!s.containsKey(b + "+Inf\"}")) {
                return previousCounter; // no series yet
            }
            long[] buckets = {
                Long.parseLong(s.get(b + "0.5\"}")), Long.parseLong(s.get(b + "1.0\"}")),
                Long.parseLong(s.get(b + "2.0\"}")), Long.parseLong(s.get(b + "+Inf\"}"))};
            long count = Long.parseLong(s.get("work_seconds_count{queue=\"q\"}"));
            double sum = Double.parseDouble(s.get("work_seconds_sum{queue=\"q\"}"));
            double expectedSum = 0.5 * buckets[0] + 1.0 * (buckets[1] - buckets[0]) + 2.0 * (buckets[2] - buckets[1])
                    + 4.0 * (buckets[3] - buckets[2]);
            String c = s.get("work_total{queue=\"q\"}");
            double counterValue = c == null ? 0 : Double.parseDouble(c);
            if (buckets[3] != count) {
                problems.add("+Inf bucket " + buckets[3] + " != _count " + count + " in:\n" + text);
            } else if (!(buckets[0] <= buckets[1] && buckets[1] <= buckets[2] && buckets[2] <= buckets[3])) {
                problems.add("buckets not monotone: " + java.util.Arrays.toString(buckets) + " in:\n" + text);
            } else if (sum != expectedSum) {
                problems.add("_sum " + sum + " but the buckets add up to " + expectedSum + " in:\n" + text);
            } else if (counterValue < previousCounter) {
                problems.add("counter went down from " + previousCounter + " to " + counterValue);
            } else {
                for (int i = 0; i < 4; i++) {
                    if (buckets[i] < previous[i]) {
                        problems.add("bucket #" + i + " went down from " + previous[i] + " to " + buckets[i]);
                    }
                    previous[i] = buckets[i];
                }
            }
            return counterValue;
        }

        @Test
        @Points(4)
        @Timeout(30) // generous: 100,000 new series and their scrape on a busy machine
        @Hint("Two threads using a new label value at the same time must end up with ONE series: a get-then-put on"
                + " a plain HashMap creates two and one thread's increments land in the one that gets lost."
                + " ConcurrentHashMap.computeIfAbsent is atomic. Counters and histograms alike.")
        @DisplayName("threads racing to create the same new series never lose an increment (4 threads, 5 x 20,000 series)")
        void racingFirstUseLosesNothing() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            Counter counter = registry.counter("logins", "Logins.", "user");
            MetricsRegistry histograms = new MetricsRegistry(); // scraped on its own: a smaller text to read
            Histogram histogram = histograms.histogram("login_seconds", "Login time.", List.of(1.0), "user");
            int threads = 4;
            int rounds = 5;
            int keys = 20_000;
            int histogramEvery = 10; // a histogram series is bigger: race on one key in ten
            String[][] names = new String[rounds][keys];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < keys; k++) {
                    names[r][k] = "u" + r + "-" + k;
                }
            }
            CyclicBarrier barrier = new CyclicBarrier(threads);
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        for (int r = 0; r < rounds; r++) {
                            barrier.await(); // all threads walk the same fresh series in step
                            for (int k = 0; k < keys; k++) {
                                counter.labels(names[r][k]).inc();
                                if (k % histogramEvery == 0) {
                                    histogram.labels(names[r][k / histogramEvery]).observe(0.5);
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }

            List<String> lost = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < keys; k++) {
                    double v = counter.labels(names[r][k]).value();
                    if (v != threads && lost.size() < 20) {
                        lost.add(names[r][k] + "=" + v);
                    }
                }
            }
            assertThat(lost).as("counter series whose value is not %d (each of %d threads added 1)", threads, threads)
                    .isEmpty();
            Map<String, String> samples = samples(histograms.scrape());
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < keys / histogramEvery; k++) {
                    String count = samples.get("login_seconds_count{user=\"" + names[r][k] + "\"}");
                    if (!Integer.toString(threads).equals(count) && lost.size() < 20) {
                        lost.add(names[r][k] + " _count=" + count);
                    }
                }
            }
            assertThat(lost).as("histogram series whose _count is not %d (each of %d threads observed once)", threads,
                    threads).isEmpty();
            assertThat(registry.scrape().lines().filter(l -> l.startsWith("logins_total{")).count())
                    .as("number of counter series in the scrape").isEqualTo(rounds * keys);
        }

        @Test
        @Points(2)
        @Timeout(30) // the race itself stops after 3 s (or 20,000 names)
        @Hint("Registering must check the name and add the metric in one atomic step (ConcurrentHashMap.putIfAbsent):"
                + " with containsKey then put, two threads registering the same name at once both succeed and the"
                + " second metric silently replaces the first, whose updates never reach a scrape.")
        @DisplayName("threads racing to register the same name: exactly one gets the metric, the others an"
                + " IllegalArgumentException")
        void racingRegistrationRegistersOnce() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            int threads = 6; // more threads than cores: on a busy machine, some two of them still run at once
            int names = 20_000;
            AtomicIntegerArray winners = new AtomicIntegerArray(names);
            AtomicIntegerArray reached = new AtomicIntegerArray(threads); // the name each thread is at
            AtomicBoolean twice = new AtomicBoolean();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // enough races even on a busy machine
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int me = t;
                    futures.add(pool.submit(() -> {
                        int k = 0;
                        for (; k < names && !twice.get() && System.nanoTime() < deadline; k++) {
                            reached.set(me, k);
                            // Wait a moment for another thread to reach the same name, so two calls overlap.
                            for (int spin = 0; spin < 1_000 && !anotherReached(reached, me, k); spin++) {
                                Thread.onSpinWait();
                            }
                            try {
                                registry.counter("raced_" + k, "Raced.");
                                if (winners.incrementAndGet(k) > 1) {
                                    twice.set(true);
                                }
                            } catch (IllegalArgumentException alreadyRegistered) {
                                // another thread has it
                            }
                        }
                        reached.set(me, k);
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            int raced = names; // names every thread tried to register
            for (int t = 0; t < threads; t++) {
                raced = Math.min(raced, reached.get(t));
            }
            List<String> notOnce = new ArrayList<>();
            for (int k = 0; k < names; k++) {
                int n = winners.get(k);
                if ((n > 1 || (k < raced && n == 0)) && notOnce.size() < 20) {
                    notOnce.add("raced_" + k + " registered " + n + " times");
                }
            }
            assertThat(notOnce).as("names not registered exactly once (%d threads raced for each)", threads).isEmpty();
        }

        private static boolean anotherReached(AtomicIntegerArray reached, int me, int k) {
            for (int t = 0; t < reached.length(); t++) {
                if (t != me && reached.get(t) >= k) {
                    return true;
                }
            }
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:6")
    @DisplayName("Task 6: request instrumentation middleware")
    class MiddlewareTask {

        @Test
        @Points(4)
        @Hint("Use the route template you were given as the label, never exchange.getRequestURI(): every user id"
                + " would otherwise become a new series, for ever (unbounded cardinality).")
        @DisplayName("/users/123 and /users/456 are one series, route=\"/users/{id}\": cardinality stays bounded")
        void labelsByRouteTemplate() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            HttpMetrics metrics = new HttpMetrics(registry);
            URI base = serve("/users/", metrics.instrument("/users/{id}", reply(200, "user")));

            for (String id : List.of("123", "456", "789")) {
                assertThat(send(HttpRequest.newBuilder(base.resolve("/users/" + id)).GET()).statusCode())
                        .as("status of GET /users/%s", id).isEqualTo(200);
            }

            String text = recorded(registry, "/users/{id}", 3);
            assertThat(value(text, "http_requests_total{code=\"200\",method=\"GET\",route=\"/users/{id}\"}"))
                    .as("http_requests_total for the route template, in:%n%s", text).isEqualTo(3.0);
            assertThat(value(text, "http_request_duration_seconds_count{route=\"/users/{id}\"}"))
                    .as("http_request_duration_seconds_count for the route template, in:%n%s", text).isEqualTo(3.0);
            assertThat(text).as("exposition (no raw path may appear)").doesNotContain("/users/123", "/users/456");
        }

        @Test
        @Points(2)
        @Hint("Read the method from the exchange and the status from exchange.getResponseCode() after the handler"
                + " returned.")
        @DisplayName("method and status code are labels: GET 200, POST 201, GET 404 are three series")
        void methodAndCodeLabels() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            HttpMetrics metrics = new HttpMetrics(registry);
            URI base = serve("/orders", metrics.instrument("/orders", exchange -> {
                int code = exchange.getRequestMethod().equals("POST") ? 201
                        : exchange.getRequestURI().getQuery() != null ? 404 : 200;
                respond(exchange, code, "ok");
            }));

            send(HttpRequest.newBuilder(base.resolve("/orders")).GET());
            send(HttpRequest.newBuilder(base.resolve("/orders")).GET());
            send(HttpRequest.newBuilder(base.resolve("/orders")).POST(HttpRequest.BodyPublishers.ofString("{}")));
            send(HttpRequest.newBuilder(base.resolve("/orders?id=404")).GET());

            Map<String, String> samples = samples(recorded(registry, "/orders", 4));
            assertThat(samples).as("request counter series")
                    .containsEntry("http_requests_total{code=\"200\",method=\"GET\",route=\"/orders\"}", "2.0")
                    .containsEntry("http_requests_total{code=\"201\",method=\"POST\",route=\"/orders\"}", "1.0")
                    .containsEntry("http_requests_total{code=\"404\",method=\"GET\",route=\"/orders\"}", "1.0");
        }

        @Test
        @Points(3)
        @Hint("Record in a finally block with code 500 when the handler threw, then let the exception go on, the same"
                + " object, checked (IOException) or not: the server (or an outer handler) still has to see it.")
        @DisplayName("a handler that throws (unchecked or IOException) is counted as 500 and the same exception"
                + " still propagates")
        void throwingHandlerIsCountedAs500() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            HttpMetrics metrics = new HttpMetrics(registry);
            IllegalStateException boom = new IllegalStateException("database down");
            IOException full = new IOException("disk full");
            HttpHandler pay = metrics.instrument("/pay", exchange -> {
                throw boom;
            });
            HttpHandler upload = metrics.instrument("/upload", exchange -> {
                throw full;
            });
            Map<String, Throwable> seenOutside = new ConcurrentHashMap<>();
            URI base = serve("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                try {
                    (path.equals("/pay") ? pay : upload).handle(exchange);
                } catch (RuntimeException | IOException e) {
                    seenOutside.put(path, e); // what an outer error handler sees
                    respond(exchange, 503, "outer handler");
                }
            });

            for (String path : List.of("/pay", "/upload")) {
                HttpResponse<byte[]> response = send(HttpRequest.newBuilder(base.resolve(path)).POST(
                        HttpRequest.BodyPublishers.noBody()));
                assertThat(response.statusCode()).as("status of POST %s, set by the outer handler after catching", path)
                        .isEqualTo(503);
            }

            assertThat(seenOutside.get("/pay")).as("exception that reached the outer handler (%s thrown)", boom)
                    .isSameAs(boom);
            assertThat(seenOutside.get("/upload")).as("exception that reached the outer handler (%s thrown)", full)
                    .isSameAs(full);
            String text = registry.scrape();
            for (String route : List.of("/pay", "/upload")) {
                assertThat(value(text, "http_requests_total{code=\"500\",method=\"POST\",route=\"" + route + "\"}"))
                        .as("http_requests_total with code 500 for the handler of %s that threw, in:%n%s", route, text)
                        .isEqualTo(1.0);
                assertThat(value(text, "http_request_duration_seconds_count{route=\"" + route + "\"}"))
                        .as("duration observations of the failed request to %s, in:%n%s", route, text).isEqualTo(1.0);
            }
        }

        @Test
        @Points(2)
        @Hint("A handler that throws is a server error whatever it sent before: a streaming response that fails half-way"
                + " already sent 200. Decide the code from whether handle() returned, not from getResponseCode().")
        @DisplayName("a handler that sent 200 and then throws is counted as 500, not 200")
        void throwAfterSendingIsCountedAs500() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            HttpMetrics metrics = new HttpMetrics(registry);
            IOException cut = new IOException("export failed half-way");
            HttpHandler export = metrics.instrument("/export", exchange -> {
                exchange.sendResponseHeaders(200, 0); // streaming (chunked)
                exchange.getResponseBody().write("id,total\n1,".getBytes(UTF_8));
                throw cut;
            });
            AtomicReference<Throwable> seenOutside = new AtomicReference<>();
            URI base = serve("/export", exchange -> {
                try {
                    export.handle(exchange);
                } catch (IOException e) {
                    seenOutside.set(e);
                    exchange.close(); // the 200 is already on the wire: end the response
                }
            });

            send(HttpRequest.newBuilder(base.resolve("/export")).GET());

            String text = recorded(registry, "/export", 1);
            assertThat(seenOutside.get()).as("exception that reached the outer handler").isSameAs(cut);
            assertThat(samples(text)).as("http_requests_total after a handler sent 200 then threw, in:%n%s", text)
                    .containsEntry("http_requests_total{code=\"500\",method=\"GET\",route=\"/export\"}", "1.0")
                    .doesNotContainKey("http_requests_total{code=\"200\",method=\"GET\",route=\"/export\"}");
        }

        @Test
        @Points(2)
        @Hint("When the handler returns without calling sendResponseHeaders, exchange.getResponseCode() is -1: record"
                + " 500 then, never code=\"-1\".")
        @DisplayName("a handler that returns without sending a status is counted as 500")
        void noStatusIsCountedAs500() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            HttpMetrics metrics = new HttpMetrics(registry);
            HttpHandler forgetful = metrics.instrument("/orders/{id}", exchange -> {
                // an early return on a validation path: no status sent
            });
            URI base = serve("/orders/", exchange -> {
                forgetful.handle(exchange);
                respond(exchange, 502, "outer handler: no response"); // an outer handler answers instead
            });

            assertThat(send(HttpRequest.newBuilder(base.resolve("/orders/7")).GET()).statusCode())
                    .as("status of GET /orders/7, set by the outer handler").isEqualTo(502);

            String text = recorded(registry, "/orders/{id}", 1);
            assertThat(samples(text)).as("http_requests_total of a handler that sent no status, in:%n%s", text)
                    .containsEntry("http_requests_total{code=\"500\",method=\"GET\",route=\"/orders/{id}\"}", "1.0")
                    .doesNotContainKey("http_requests_total{code=\"-1\",method=\"GET\",route=\"/orders/{id}\"}");
        }

        @Test
        @Points(2)
        @Hint("Take both timestamps from the injected ticker (nanoseconds) and divide by 1e9: never the wall clock.")
        @DisplayName("durations come from the injected monotonic ticker, in seconds")
        void durationFromInjectedTicker() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            AtomicLong nanos = new AtomicLong(-5_000_000_000L); // monotonic clocks may be negative
            HttpMetrics metrics = new HttpMetrics(registry, nanos::get);
            URI base = serve("/slow", metrics.instrument("/slow", exchange -> {
                nanos.addAndGet(250_000_000L); // the request "takes" 250 ms on the injected clock
                respond(exchange, 200, "done");
            }));

            send(HttpRequest.newBuilder(base.resolve("/slow")).GET());
            send(HttpRequest.newBuilder(base.resolve("/slow")).GET());

            Map<String, String> samples = samples(recorded(registry, "/slow", 2));
            assertThat(samples).as("duration histogram of two requests of 250 ms each on the injected clock")
                    .containsEntry("http_request_duration_seconds_bucket{route=\"/slow\",le=\"0.1\"}", "0")
                    .containsEntry("http_request_duration_seconds_bucket{route=\"/slow\",le=\"0.25\"}", "2")
                    .containsEntry("http_request_duration_seconds_count{route=\"/slow\"}", "2")
                    .containsEntry("http_request_duration_seconds_sum{route=\"/slow\"}", "0.5");
            List<String> bounds = new ArrayList<>();
            Histogram.DEFAULT_BUCKETS.forEach(b -> bounds.add(Double.toString(b)));
            bounds.add("+Inf");
            assertThat(samples.keySet().stream().filter(k -> k.startsWith("http_request_duration_seconds_bucket{"))
                    .map(k -> k.replaceAll(".*le=\"([^\"]*)\"}", "$1")).toList())
                    .as("the le bounds of http_request_duration_seconds (Histogram.DEFAULT_BUCKETS, then +Inf)")
                    .containsExactlyElementsOf(bounds);
        }

        @Test
        @Points(2)
        @Hint("Record after the wrapped handler returns: the scrape being served is not in its own body; the next"
                + " one shows it.")
        @DisplayName("a wrapped /metrics scrape is counted like any request, but never contains itself")
        void scrapeIsHandledAsDocumented() throws Exception {
            MetricsRegistry registry = new MetricsRegistry();
            HttpMetrics metrics = new HttpMetrics(registry);
            URI uri = serve("/metrics", metrics.instrument("/metrics", new MetricsHandler(registry)));
            String series = "http_requests_total{code=\"200\",method=\"GET\",route=\"/metrics\"}";

            double seen = 0;
            int scrape = 0;
            while (seen < 3 && scrape < 200) {
                scrape++;
                HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri).GET());
                assertThat(response.statusCode()).as("status of scrape #%d", scrape).isEqualTo(200);
                String text = new String(response.body(), UTF_8);
                double value = value(text, series);
                seen = Double.isNaN(value) ? 0 : value;
                assertThat(seen).as("scrapes counted in the body of scrape #%d (it may not count itself):%n%s",
                        scrape, text).isLessThanOrEqualTo(scrape - 1);
            }
            assertThat(seen).as("scrapes counted after %d scrapes", scrape).isGreaterThanOrEqualTo(3);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:7")
    @DisplayName("Task 7: OpenMetrics and gzip, when the scraper asks for them")
    class NegotiationTask {

        /** The Accept header a Prometheus 2 server sends by default. */
        static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
                + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

        @Test
        @Points(3)
        @Hint("OpenMetrics is the text format with three differences: # TYPE comes before # HELP (whose text also"
                + " escapes \" as \\\"), a counter's # TYPE and # HELP name it without _total (the samples keep it),"
                + " and the last line is # EOF, even for an empty registry.")
        @DisplayName("OpenMetricsFormat.write: # TYPE then # HELP, a counter's family without _total, # EOF last:"
                + " exactly as the official OpenMetrics writer")
        void openMetricsSameAsOfficialClient() {
            Twin empty = new Twin();
            assertThat(empty.mineOpenMetrics()).as("your OpenMetrics exposition of an empty registry")
                    .isEqualTo(empty.officialOpenMetrics()).isEqualTo("# EOF\n");
            Twin twin = mixedTwin();

            String text = twin.mineOpenMetrics();

            assertThat(text).as("your OpenMetrics exposition").contains(
                    "# TYPE jobs counter\n# HELP jobs Jobs \\\"run\\\" from C:\\\\queue\\nsecond line, ✓\n",
                    "jobs_total{queue=\"emails\"} 2.0\n", "# TYPE restarts counter\n", "restarts_total 1.0\n")
                    .endsWith("\n# EOF\n");
            assertThat(text).as("your OpenMetrics exposition (expected: the official client's)")
                    .isEqualTo(twin.officialOpenMetrics());
        }

        @Test
        @Points(2)
        @Hint("If the fixed example passes and this fails, compare the first differing line: a counter registered with"
                + " _total, an empty help text, or a quote in a help text.")
        @DisplayName("50 random registries (random names, labels, help, Unicode and escapes) match the official"
                + " OpenMetrics writer")
        void randomRegistriesMatchInOpenMetrics() {
            Random random = new Random(20_261_224);
            for (int round = 0; round < 50; round++) {
                Twin twin = randomTwin(random);
                assertThat(twin.mineOpenMetrics()).as("your OpenMetrics exposition of random registry #%d", round)
                        .isEqualTo(twin.officialOpenMetrics());
            }
        }

        static Stream<Arguments> acceptHeaders() {
            return Stream.of(
                    accept("what a Prometheus 2 server sends", true, PROMETHEUS_ACCEPT),
                    accept("application/openmetrics-text", true, "application/openmetrics-text"),
                    accept("mixed case and spaces", true, "Application/OpenMetrics-Text ; Version=1.0.0 ; Q=0.9 ,"
                            + " text/plain ; q=0.8"),
                    accept("OpenMetrics with a higher q than text/plain", true,
                            "text/plain;version=0.0.4;q=0.5, application/openmetrics-text;q=0.8"),
                    accept("OpenMetrics in a second Accept field", true, "text/plain;q=0.2",
                            "application/openmetrics-text;version=1.0.0"),
                    accept("text/plain with a higher q than OpenMetrics", false,
                            "application/openmetrics-text;q=0.3, text/plain;q=0.7"),
                    accept("OpenMetrics refused with q=0", false, "application/openmetrics-text;version=1.0.0;q=0"),
                    accept("*/* with a higher q than OpenMetrics", false, "application/openmetrics-text;q=0.5, */*"),
                    accept("OpenMetrics and text/plain with the same q", true,
                            "application/openmetrics-text;q=0.5, text/plain;q=0.5"),
                    accept("text/plain listed with q=0 (then */* does not count)", true,
                            "application/openmetrics-text;q=0.5, text/plain;q=0, */*;q=0.9"),
                    accept("text/* listed with q=0 (then */* does not count)", true,
                            "application/openmetrics-text;q=0.5, text/*;q=0, */*;q=0.9"),
                    accept("no Accept header", false),
                    accept("*/*", false, "*/*"),
                    accept("text/plain", false, "text/plain"),
                    accept("application/json only", false, "application/json"));
        }

        private static Arguments accept(String what, boolean openMetrics, String... fields) {
            return Arguments.of(what, openMetrics, fields);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("acceptHeaders")
        @Points(3)
        @Hint("OpenMetrics only when Accept names application/openmetrics-text with a q above 0 and at least that of"
                + " text/plain (else text/*, else */*): parse each comma-separated entry of every Accept field, its"
                + " type before the first ';', its q parameter (1 when absent), case-insensitively. Everything else,"
                + " and no Accept at all, gets the text format 0.0.4. Both answers carry Vary: Accept, Accept-Encoding.")
        @DisplayName("GET negotiates the format from Accept: OpenMetrics 1.0.0 when preferred, the text format 0.0.4"
                + " otherwise, with Vary: Accept, Accept-Encoding")
        void negotiatesTheFormat(String what, boolean openMetrics, String[] fields) throws Exception {
            Twin twin = mixedTwin();
            URI uri = serve("/metrics", new MetricsHandler(twin.mine));
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
            for (String field : fields) {
                request.header("Accept", field);
            }

            HttpResponse<byte[]> response = sendOrExplain(request, "GET /metrics with Accept " + List.of(fields));

            String asked = "GET /metrics with " + what + " " + List.of(fields);
            assertThat(response.statusCode()).as("status of %s", asked).isEqualTo(200);
            assertThat(response.headers().allValues("Content-Type")).as("Content-Type of %s", asked)
                    .containsExactly(openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                            : "text/plain; version=0.0.4; charset=utf-8");
            assertThat(new String(response.body(), UTF_8)).as("body of %s (expected: the official client's %s)", asked,
                            openMetrics ? "OpenMetrics" : "text format")
                    .isEqualTo(openMetrics ? twin.officialOpenMetrics() : twin.officialText());
            assertVaries(response, asked);
        }

        static Stream<Arguments> acceptEncodings() {
            return Stream.of(
                    encoding("gzip", true, "gzip"),
                    encoding("what curl --compressed sends", true, "deflate, gzip, br, zstd"),
                    encoding("GZIP with a lower q than deflate", true, "deflate;q=1.0, GZIP;q=0.5"),
                    encoding("gzip in a second Accept-Encoding field", true, "br", "gzip"),
                    encoding("* (any coding)", true, "*"),
                    encoding("gzip refused with q=0", false, "gzip;q=0"),
                    encoding("gzip refused with q=0, any other coding welcome", false, "gzip;q=0, *"),
                    encoding("identity", false, "identity"),
                    encoding("deflate only", false, "deflate"),
                    encoding("no Accept-Encoding header", false));
        }

        private static Arguments encoding(String what, boolean gzip, String... fields) {
            return Arguments.of(what, gzip, fields);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("acceptEncodings")
        @Points(2)
        @Hint("gzip when Accept-Encoding lists gzip with a q above 0 (or, without gzip, * with a q above 0): compress"
                + " the encoded body (GZIPOutputStream into a byte array, closed before you take the bytes), send"
                + " Content-Encoding: gzip and the compressed length. q=0 means \"not this one\". Otherwise send the"
                + " plain body and no Content-Encoding.")
        @DisplayName("GET compresses with gzip when Accept-Encoding allows it (q > 0), in both formats, and never when"
                + " it does not")
        void compressesWhenAllowed(String what, boolean gzip, String[] fields) throws Exception {
            Twin twin = mixedTwin();
            URI uri = serve("/metrics", new MetricsHandler(twin.mine));
            for (boolean openMetrics : new boolean[] {false, true}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
                if (openMetrics) {
                    request.header("Accept", PROMETHEUS_ACCEPT);
                }
                for (String field : fields) {
                    request.header("Accept-Encoding", field);
                }
                String asked = "GET /metrics with " + (openMetrics ? "a Prometheus Accept header" : "no Accept header")
                        + " and Accept-Encoding " + what + " " + List.of(fields);

                HttpResponse<byte[]> response = sendOrExplain(request, asked);

                assertThat(response.statusCode()).as("status of %s", asked).isEqualTo(200);
                String expected = openMetrics ? twin.officialOpenMetrics() : twin.officialText();
                if (gzip) {
                    assertThat(response.headers().allValues("Content-Encoding")).as("Content-Encoding of %s", asked)
                            .containsExactly("gzip");
                    assertThat(gunzip(response.body(), asked)).as("body of %s, decompressed", asked)
                            .isEqualTo(expected);
                } else {
                    assertThat(response.headers().allValues("Content-Encoding")).as("Content-Encoding of %s", asked)
                            .isEmpty();
                    assertThat(new String(response.body(), UTF_8)).as("body of %s (not compressed)", asked)
                            .isEqualTo(expected);
                }
                assertVaries(response, asked);
            }
        }

        @Test
        @Points(2)
        @Hint("HEAD answers with exactly the headers the same GET gets: negotiate first, compress if asked (HEAD"
                + " announces the compressed length), then send no body.")
        @DisplayName("HEAD gets the headers of the same GET: Content-Type, Content-Encoding, Content-Length of the body"
                + " as sent, Vary")
        void headMatchesGet() throws Exception {
            Twin twin = mixedTwin();
            URI uri = serve("/metrics", new MetricsHandler(twin.mine));
            String[][] cases = {{PROMETHEUS_ACCEPT, "gzip"}, {null, "gzip"}, {PROMETHEUS_ACCEPT, null}};
            for (String[] c : cases) {
                String asked = "/metrics with Accept " + c[0] + " and Accept-Encoding " + c[1];
                HttpResponse<byte[]> get = sendOrExplain(withHeaders(HttpRequest.newBuilder(uri).GET(), c), "GET " + asked);
                HttpResponse<byte[]> head = send(withHeaders(HttpRequest.newBuilder(uri).HEAD(), c));

                assertThat(get.headers().firstValue("Content-Length")).as("Content-Length of GET %s", asked)
                        .contains(Integer.toString(get.body().length));
                assertThat(head.statusCode()).as("status of HEAD %s", asked).isEqualTo(200);
                for (String header : List.of("Content-Type", "Content-Encoding", "Content-Length")) {
                    assertThat(head.headers().allValues(header)).as("%s of HEAD %s (expected: the GET's)", header, asked)
                            .isEqualTo(get.headers().allValues(header));
                }
                assertVaries(head, "HEAD " + asked);
                assertThat(head.body()).as("body of HEAD %s", asked).isEmpty();
            }
        }

        private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, String[] acceptAndEncoding) {
            if (acceptAndEncoding[0] != null) {
                request.header("Accept", acceptAndEncoding[0]);
            }
            if (acceptAndEncoding[1] != null) {
                request.header("Accept-Encoding", acceptAndEncoding[1]);
            }
            return request;
        }

        private static void assertVaries(HttpResponse<?> response, String asked) {
            List<String> tokens = response.headers().allValues("Vary").stream()
                    .flatMap(v -> Stream.of(v.split(","))).map(t -> t.trim().toLowerCase(Locale.ROOT)).toList();
            assertThat(tokens).as("the names in the Vary header of %s (caches must not serve one format or encoding"
                    + " for another)", asked).contains("accept", "accept-encoding");
        }

        private static String gunzip(byte[] body, String asked) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                return new String(in.readAllBytes(), UTF_8);
            } catch (IOException e) {
                throw new AssertionError("the body of " + asked + " is not gzip data (" + e.getMessage() + ")", e);
            }
        }

        /** Counters and histograms with escapes, Unicode, _total, an empty help and an infinite sum. */
        private static Twin mixedTwin() {
            Twin twin = new Twin();
            var jobs = twin.counter("jobs", "Jobs \"run\" from C:\\queue\nsecond line, ✓", "queue");
            jobs.inc(2, "emails");
            jobs.inc(0.5, "say \"hi\"\nand \\ bye");
            twin.counter("restarts_total", "Restarts.").inc(1);
            twin.counter("quiet", "").inc(3);
            twin.counter("never_used", "A labelled counter with no series yet.", "x");
            var seconds = twin.histogram("job_seconds", "Job time.", List.of(0.1, 1.0), "queue");
            seconds.observe(0.05, "emails");
            seconds.observe(0.5, "emails");
            seconds.observe(Double.POSITIVE_INFINITY, "東京");
            twin.histogram("idle_seconds", "Never observed.", List.of(0.5));
            return twin;
        }
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * The scrape once {@code n} requests to {@code route} are in both metrics. The middleware records after the
     * handler returns, which may be just after the client got its response: so the test waits for it (bounded).
     */
    private static String recorded(MetricsRegistry registry, String route, int n) {
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
                String text = registry.scrape();
                last.set(text);
                double requests = samples(text).entrySet().stream()
                        .filter(e -> e.getKey().startsWith("http_requests_total{")
                                && e.getKey().contains("route=\"" + route + "\""))
                        .mapToDouble(e -> Double.parseDouble(e.getValue())).sum();
                return requests >= n
                        && value(text, "http_request_duration_seconds_count{route=\"" + route + "\"}") >= n;
            });
        } catch (ConditionTimeoutException e) {
            // fall through: the caller's assertions say what is missing
        }
        return last.get();
    }

    private static HttpHandler reply(int code, String body) {
        return exchange -> respond(exchange, code, body);
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Starts a loopback HttpServer serving {@code handler} at {@code path}; returns the URI of that path. */
    private URI serve(String path, HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(path, handler);
        server.start();
        toClose.add(executor::close);
        toClose.add(() -> server.stop(0));
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private HttpClient client;

    /** Like send, but a response cut short (fewer bytes than its Content-Length announced) fails with a message. */
    private HttpResponse<byte[]> sendOrExplain(HttpRequest.Builder request, String what) throws InterruptedException {
        try {
            return send(request);
        } catch (IOException e) {
            throw new AssertionError(what + " did not complete: " + e + ". Does the Content-Length you send equal the"
                    + " number of UTF-8 bytes you write (not the number of chars of the text)?", e);
        }
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (client == null) {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            toClose.add(client::close);
        }
        return client.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
