package dev.opsworkbook.logfollower;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.commons.io.input.Tailer;
import org.apache.commons.io.input.TailerListenerAdapter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * LogFollower next to Commons IO {@link Tailer}, following the same files in the same run, with the same
 * poll interval. Methods are named {@code <scenario>_<impl>}; {@code baselineTailer} is the baseline.
 *
 * <ul>
 *   <li>{@code throughput}: lines per second delivered to a consumer, following a 200,000-line log file
 *       (86 bytes a line, 17 MB) from its start. LogFollower's figure includes the hand-off through its
 *       bounded queue to the benchmark thread; Tailer calls its listener on its own thread.</li>
 *   <li>{@code latency}: the time from appending one line to the idle, followed file until a consumer has
 *       it (SampleTime: see p0.50 in the log). Each line is written at a random moment of the poll cycle (an
 *       untimed random pause of 0-50 ms first): written right after a delivery, every line would wait exactly
 *       one interval. A poller that sleeps whenever it finds nothing new then has a p50 of about half an
 *       interval (25 ms).</li>
 * </ul>
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class LogFollowerBenchmark {
    static final int LINES = 200_000;
    static final Duration POLL = Duration.ofMillis(50);
    static final byte[] LINE = "2026-11-24T03:10:00.000Z INFO  [worker-3] GET /api/orders/123456 200 served in 12 ms\n"
            .getBytes(UTF_8);

    /** The files both followers follow: a big one to read from its start, a live one to append to. */
    @State(Scope.Benchmark)
    public static class LogFiles {
        Path dir;
        Path big;
        Path live;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("log-follower-bench");
            big = dir.resolve("big.log");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(big), 1 << 16)) {
                for (int i = 0; i < LINES; i++) {
                    out.write(LINE);
                }
            }
            live = dir.resolve("live.log");
            Files.createFile(live);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(LINES)
    public long throughput_logFollower(LogFiles files) throws Exception {
        try (LogFollower follower = LogFollower.start(FollowOptions.builder(files.big).fromBeginning()
                .pollInterval(POLL).build())) {
            long bytes = 0;
            for (int i = 0; i < LINES; i++) {
                String line = follower.poll(Duration.ofSeconds(30));
                if (line == null) {
                    throw new IllegalStateException("LogFollower delivered only " + i + " lines");
                }
                bytes += line.length();
            }
            return bytes;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(LINES)
    public long throughput_baselineTailer(LogFiles files) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong bytes = new AtomicLong();
        TailerListenerAdapter listener = new TailerListenerAdapter() {
            private int lines;

            @Override
            public void handle(String line) {
                bytes.addAndGet(line.length());
                if (++lines == LINES) {
                    done.countDown();
                }
            }
        };
        try (Tailer tailer = Tailer.builder().setFile(files.big.toFile()).setTailFromEnd(false).setDelayDuration(POLL)
                .setIgnoreTouch(true).setTailerListener(listener).get()) {
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Tailer did not deliver " + LINES + " lines");
            }
        }
        return bytes.get();
    }

    /** A LogFollower following the live file from its end, and the appender. */
    @State(Scope.Benchmark)
    public static class LiveLogFollower {
        LogFollower follower;
        OutputStream out;

        @Setup(Level.Trial)
        public void setUp(LogFiles files) throws IOException {
            follower = LogFollower.start(FollowOptions.builder(files.live).pollInterval(POLL).build());
            out = Files.newOutputStream(files.live, StandardOpenOption.APPEND);
        }

        @Setup(Level.Invocation)
        public void randomPhase() throws InterruptedException {
            Thread.sleep(ThreadLocalRandom.current().nextLong(POLL.toMillis()));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            follower.close();
            out.close();
        }
    }

    /** A Tailer following the live file from its end, and the appender. */
    @State(Scope.Benchmark)
    public static class LiveTailer {
        final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        Tailer tailer;
        OutputStream out;

        @Setup(Level.Trial)
        public void setUp(LogFiles files) throws IOException, InterruptedException {
            CountDownLatch started = new CountDownLatch(1);
            tailer = Tailer.builder().setFile(files.live.toFile()).setTailFromEnd(true).setDelayDuration(POLL)
                    .setIgnoreTouch(true).setTailerListener(new TailerListenerAdapter() {
                        @Override
                        public void init(Tailer tailer) {
                            started.countDown();
                        }

                        @Override
                        public void handle(String line) {
                            delivered.add(line);
                        }
                    }).get();
            started.await(5, TimeUnit.SECONDS);
            out = Files.newOutputStream(files.live, StandardOpenOption.APPEND);
            // Tailer opens the file on its own thread, some time after get(): a line written before that is
            // skipped (tail from end). Write until one arrives, so that the measured lines all count.
            while (delivered.poll(POLL.toMillis() * 2, TimeUnit.MILLISECONDS) == null) {
                out.write(LINE);
            }
            Thread.sleep(POLL.toMillis() * 2);
            delivered.clear();
        }

        @Setup(Level.Invocation)
        public void randomPhase() throws InterruptedException {
            Thread.sleep(ThreadLocalRandom.current().nextLong(POLL.toMillis()));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            tailer.close();
            out.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public String latency_logFollower(LiveLogFollower live) throws Exception {
        live.out.write(LINE);
        return check(live.follower.poll(Duration.ofSeconds(10)));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public String latency_baselineTailer(LiveTailer live) throws Exception {
        live.out.write(LINE);
        return check(live.delivered.poll(10, TimeUnit.SECONDS));
    }

    private static String check(String line) {
        if (line == null || line.length() != LINE.length - 1) {
            throw new IllegalStateException("unexpected delivery: " + line);
        }
        return line;
    }
}
