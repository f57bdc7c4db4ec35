package dev.opsworkbook.compress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * 16 generated files of 4 MiB (the suite's mixed corpus: text runs and random runs), level 6, 2 threads, in
 * {@code /dev/shm} when there is one, so that the figures compare compression, not the disk. Methods are named
 * {@code <scenario>_<impl>}; the report divides by the {@code baseline} impl of the same run:
 *
 * <ul>
 *   <li>{@code many_compressor}: {@code ParallelCompressor} with 2 threads, overwriting the previous outputs;</li>
 *   <li>{@code many_baselinePigzP2}: {@code pigz -p 2 -6 -k -f} on the same files (one process);</li>
 *   <li>{@code many_gzip6}: {@code gzip -6 -k -f}, one file after the other (one process).</li>
 * </ul>
 *
 * <p>All three write {@code x.gz} next to each input. MB/s = 64 MiB / the time per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class CompressBenchmark {
    static final int FILES = 16;
    static final long FILE_SIZE = 4L << 20;

    private Path dir;
    private List<Path> inputs;
    private ParallelCompressor compressor;

    @Setup
    public void setUp() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "ex08-bench-");
        inputs = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            inputs.add(Corpus.write(dir.resolve("file-" + i + ".log"), FILE_SIZE, 42 + i));
        }
        compressor = new ParallelCompressor(Settings.builder().threads(2).overwrite(true).build());
    }

    @TearDown
    public void tearDown() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public Report many_compressor() throws InterruptedException {
        Report report = compressor.compress(inputs);
        if (!report.allOk() || report.count(FileResult.Status.OK) != FILES) {
            throw new IllegalStateException("not every file was compressed: " + report.files());
        }
        return report;
    }

    @Benchmark
    public int many_baselinePigzP2() throws IOException, InterruptedException {
        return run("pigz", "-p", "2", "-6", "-k", "-f");
    }

    @Benchmark
    public int many_gzip6() throws IOException, InterruptedException {
        return run("gzip", "-6", "-k", "-f");
    }

    private int run(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(command));
        inputs.forEach(p -> args.add(p.toString()));
        Process process = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit
                    + " (is it installed? scripts/bench.sh ex08 installs pigz)");
        }
        return exit;
    }
}
