package dev.opsworkbook.compress;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The three runs of {@link CompressBenchmark}, measured in turns: a cross-check of its ratios on a busy machine. JMH
 * runs one benchmark after the other, so a build that starts between two of them moves their ratio; here each round
 * runs all three on the same files in a rotating order, so all three meet the same moments of load. Wall-clock time
 * (what parallelism buys), median of the second half of the rounds (the first half warms up).
 *
 * <pre>
 * java -cp "$(cat target/bench/ex08-parallel-compress-reference.classpath)":\
 * solutions/ex08-parallel-compress/target/test-classes:solutions/ex08-parallel-compress/target/classes \
 *     dev.opsworkbook.compress.CompressInterleaved [ROUNDS]
 * </pre>
 */
public final class CompressInterleaved {

    private CompressInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        CompressBenchmark bench = new CompressBenchmark();
        bench.setUp();
        try {
            List<String> names = List.of("ParallelCompressor, 2 threads", "pigz -p 2 -6 (baseline)",
                    "gzip -6, one file after the other");
            List<Callable<Object>> runs = List.of(bench::many_compressor, bench::many_baselinePigzP2,
                    bench::many_gzip6);
            long[][] nanos = new long[runs.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < runs.size(); k++) {
                    int which = (r + k) % runs.size();
                    long start = System.nanoTime();
                    runs.get(which).call();
                    nanos[which][r] = System.nanoTime() - start;
                }
            }
            double mib = CompressBenchmark.FILES * CompressBenchmark.FILE_SIZE / (1024.0 * 1024.0);
            double baseline = median(nanos[1], rounds);
            System.out.printf(Locale.ROOT, "%d rounds, %.0f MiB each; median of rounds %d..%d%n", rounds, mib,
                    rounds / 2 + 1, rounds);
            for (int k = 0; k < runs.size(); k++) {
                double m = median(nanos[k], rounds);
                System.out.printf(Locale.ROOT, "%-36s %8.0f ms  %7.1f MiB/s  %5.2fx pigz's time  %5.2fx pigz's "
                        + "throughput%n", names.get(k), m / 1e6, mib / (m / 1e9), m / baseline, baseline / m);
            }
        } finally {
            bench.tearDown();
        }
    }

    private static double median(long[] all, int rounds) {
        long[] second = Arrays.copyOfRange(all, rounds / 2, rounds);
        Arrays.sort(second);
        int n = second.length;
        return n % 2 == 1 ? second[n / 2] : (second[n / 2 - 1] + second[n / 2]) / 2.0;
    }
}
