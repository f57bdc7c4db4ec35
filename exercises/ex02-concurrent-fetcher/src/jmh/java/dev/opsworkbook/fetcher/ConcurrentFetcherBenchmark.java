package dev.opsworkbook.fetcher;

import dev.opsworkbook.testing.InFlightHttpServer;
import dev.opsworkbook.testing.InFlightHttpServer.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ConcurrentFetcher next to the naive OkHttp answer, in the same run. Methods are named {@code <scenario>_<impl>};
 * impls starting with {@code baseline} are the baselines the report divides by.
 *
 * <p>{@code fetch1000}: 1,000 GETs against a loopback server that answers each after 100 ms. With 200 in flight
 * the ideal is 5 waves × 100 ms = 0.5 s; a good answer stays within 1.3× that. The baseline enqueues all 1,000 on
 * a default {@code OkHttpClient}, whose dispatcher runs at most 5 calls per host: 200 waves, about 20 s.
 *
 * <p>One invocation is one whole batch (single-shot time); connections are kept between invocations, as a
 * long-lived fetcher would.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class ConcurrentFetcherBenchmark {
    private static final int URLS = 1_000;
    private static final Duration LATENCY = Duration.ofMillis(100);

    /** The loopback server, shared by both sides. */
    @State(Scope.Benchmark)
    public static class Upstream {
        InFlightHttpServer server;
        List<String> urls;

        @Setup
        public void start() {
            server = InFlightHttpServer.start((request, s) -> {
                Thread.sleep(LATENCY);
                return Reply.text(200, "ok");
            });
            urls = IntStream.range(0, URLS).mapToObj(i -> server.url("/item/" + i)).toList();
        }

        @TearDown
        public void stop() {
            server.close();
        }
    }

    /** Its own state, so that a skeleton that throws does not keep the baseline from being measured. */
    @State(Scope.Benchmark)
    public static class Fetcher {
        ConcurrentFetcher fetcher;

        @Setup
        public void create() {
            fetcher = new ConcurrentFetcher(FetchSettings.defaults().withMaxInFlight(200));
        }

        @TearDown
        public void close() {
            if (fetcher != null) {
                fetcher.close();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class DefaultClient {
        OkHttpClient client;

        @Setup
        public void create() {
            client = new OkHttpClient(); // dispatcher: 64 calls in all, 5 per host
        }

        @TearDown
        public void close() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Benchmark
    public List<FetchResult> fetch1000_concurrentFetcher(Upstream upstream, Fetcher state)
            throws InterruptedException {
        List<FetchResult> results = state.fetcher.fetchAll(upstream.urls);
        if (!results.stream().allMatch(FetchResult::ok)) {
            throw new IllegalStateException("a fetch failed: " + results.stream().filter(r -> !r.ok()).findFirst());
        }
        return results;
    }

    @Benchmark
    public int fetch1000_baselineDefaultDispatcher(Upstream upstream, DefaultClient state)
            throws InterruptedException {
        // What most people write first: enqueue everything on a default client and wait for the callbacks.
        CountDownLatch done = new CountDownLatch(URLS);
        AtomicInteger ok = new AtomicInteger();
        for (String url : upstream.urls) {
            state.client.newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        if (response.isSuccessful()) {
                            response.body().bytes();
                            ok.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // counted as not ok
                    } finally {
                        done.countDown();
                    }
                }

                @Override
                public void onFailure(Call call, IOException e) {
                    done.countDown();
                }
            });
        }
        done.await();
        if (ok.get() != URLS) {
            throw new IllegalStateException(ok.get() + " of " + URLS + " fetches succeeded");
        }
        return ok.get();
    }
}
