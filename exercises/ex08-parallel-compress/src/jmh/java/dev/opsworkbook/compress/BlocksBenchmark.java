package dev.opsworkbook.compress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The stretch task: one generated 64 MiB file (the suite's mixed corpus), level 6, 2 threads, in {@code /dev/shm}
 * when there is one. Methods are named {@code <scenario>_<impl>}; the report divides by the {@code baseline} impl:
 *
 * <ul>
 *   <li>{@code big_inBlocks}: {@code compressInBlocks} with 2 threads (pigz-style blocks);</li>
 *   <li>{@code big_baselineOneThread}: {@code compress} of the same one file: one worker deflates it all;</li>
 *   <li>{@code big_pigzP2}: {@code pigz -p 2 -6 -k -f} on the same file (one process, for scale).</li>
 * </ul>
 *
 * <p>A ratio below 1 for {@code big_inBlocks} means the blocks beat one thread; 0.5 would be perfect on 2 free cores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class BlocksBenchmark {
    static final long FILE_SIZE = 64L << 20;

    private Path dir;
    private Path input;
    private ParallelCompressor compressor;

    @Setup
    public void setUp() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "ex08-blocks-bench-");
        input = Corpus.write(dir.resolve("big.log"), FILE_SIZE, 64);
        compressor = new ParallelCompressor(Settings.builder().threads(2).overwrite(true).build());
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(dir.resolve("big.log.gz"));
        Files.deleteIfExists(input);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public FileResult big_inBlocks() throws InterruptedException {
        return ok(compressor.compressInBlocks(input));
    }

    @Benchmark
    public FileResult big_baselineOneThread() throws InterruptedException {
        return ok(compressor.compress(List.of(input)).files().getFirst());
    }

    @Benchmark
    public int big_pigzP2() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("pigz", "-p", "2", "-6", "-k", "-f", input.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("pigz exited with " + exit + " (is it installed? scripts/bench.sh ex08 "
                    + "installs it)");
        }
        return exit;
    }

    private static FileResult ok(FileResult result) {
        if (!result.ok()) {
            throw new IllegalStateException("the file was not compressed: " + result);
        }
        return result;
    }
}
