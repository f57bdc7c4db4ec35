package dev.opsworkbook.safeexec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;
import org.zeroturnaround.exec.ProcessExecutor;

/**
 * SafeExec next to what it replaces, in the same run. Methods are named {@code <scenario>_<impl>};
 * impls starting with {@code baseline} are the baselines the report divides by.
 *
 * <ul>
 *   <li>{@code spawnTrue}: the per-run overhead of the wrapper, running {@code /bin/true}. The bare
 *       {@code ProcessBuilder} is the floor: no pump threads, no timeout, no cap, no log.</li>
 *   <li>{@code drainCapped}: a child writing 16 MiB to stdout, of which 64 KiB are kept. Both baselines
 *       read everything and discard it, which is the least work any correct drain can do.</li>
 * </ul>
 *
 * <p>Logging: SafeExec's INFO event is built (redaction included) but written nowhere, so the figure
 * is the wrapper's own cost, not the console's; zt-exec's DEBUG events are off, as in production.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SafeExecBenchmark {
    private static final String TRUE = "/bin/true";
    private static final int DRAIN_BYTES = 16 << 20;
    private static final int CAP = 64 << 10;
    private static final String[] DRAIN = {"head", "-c", Integer.toString(DRAIN_BYTES), "/dev/zero"};

    private final SafeExec safeExec = new SafeExec();
    private ExecRequest spawnTrue;
    private ExecRequest drainCapped;

    @Setup
    public void setUp() {
        silenceLogging();
        // Defaults otherwise: a 30 s timeout and the tree kill armed, like the zt-exec baseline's timeout.
        spawnTrue = ExecRequest.builder(TRUE).build();
        drainCapped = ExecRequest.builder(DRAIN).maxOutputBytes(CAP).build();
    }

    @Benchmark
    public ExecResult spawnTrue_safeExec() throws Exception {
        return check(safeExec.run(spawnTrue), 0);
    }

    @Benchmark
    public int spawnTrue_baselineProcessBuilder() throws Exception {
        return new ProcessBuilder(TRUE).start().waitFor();
    }

    @Benchmark
    public int spawnTrue_baselineZtExec() throws Exception {
        // Same guarantees asked of zt-exec as far as it offers them: a timeout, output drained and discarded.
        return new ProcessExecutor().command(TRUE).timeout(30, TimeUnit.SECONDS).execute().getExitValue();
    }

    @Benchmark
    public ExecResult drainCapped_safeExec() throws Exception {
        return check(safeExec.run(drainCapped), DRAIN_BYTES - CAP);
    }

    @Benchmark
    public long drainCapped_baselineProcessBuilder() throws Exception {
        // The child writes nothing to stderr, so reading stdout alone cannot deadlock here.
        Process p = new ProcessBuilder(DRAIN).start();
        long total = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[CAP];
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
            }
        }
        p.waitFor();
        return total;
    }

    @Benchmark
    public int drainCapped_baselineZtExec() throws IOException, InterruptedException, TimeoutException {
        // Not readOutput(true): that buffers all 16 MiB in a ByteArrayOutputStream (unbounded). Discarding is
        // the closest bounded thing zt-exec offers without writing a capping stream of our own.
        return new ProcessExecutor().command(DRAIN).timeout(30, TimeUnit.SECONDS)
                .redirectOutput(OutputStream.nullOutputStream()).execute().getExitValue();
    }

    /** Fails loudly instead of timing a broken run. */
    private static ExecResult check(ExecResult r, long expectedDropped) {
        if (r.exitCode() != 0 || r.timedOut() || r.stdout().droppedBytes() != expectedDropped) {
            throw new IllegalStateException("unexpected result: " + r);
        }
        return r;
    }

    /** Keeps the log events, drops their output (the default Logback setup prints every DEBUG line). */
    private static void silenceLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAndStopAllAppenders();
            root.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }
}
