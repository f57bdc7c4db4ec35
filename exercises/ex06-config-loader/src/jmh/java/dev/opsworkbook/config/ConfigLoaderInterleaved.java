package dev.opsworkbook.config;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The three loads of {@link ConfigLoaderBenchmark}, measured in turns and in CPU time: a cross-check of its ratios on
 * a busy machine. JMH runs one benchmark after the other and measures wall-clock time, so a build that starts
 * between two benchmarks moves their ratio; here each round runs all three, in a rotating order, and each load is
 * charged the CPU time of this thread only, which other processes do not inflate (they still share the caches).
 *
 * <pre>
 * java -cp "$(cat target/bench/ex06-config-loader-reference.classpath)":solutions/ex06-config-loader/target/test-classes:\
 *     solutions/ex06-config-loader/target/classes dev.opsworkbook.config.ConfigLoaderInterleaved [ROUNDS]
 * </pre>
 *
 * <p>Prints the median CPU time per load of the second half of the rounds (the first half warms up) and the ratios.
 */
public final class ConfigLoaderInterleaved {

    private ConfigLoaderInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        ConfigLoaderBenchmark bench = new ConfigLoaderBenchmark();
        bench.setUp();
        try {
            List<String> names = List.of("reference ConfigLoader", "Lightbend Config (baseline)",
                    "SnakeYAML Engine compose (floor)");
            List<Supplier<Object>> loads = List.of(bench::load1000_configLoader, bench::load1000_baselineLightbend,
                    bench::load1000_baselineSnakeYamlCompose);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long[][] nanos = new long[loads.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < loads.size(); k++) {
                    int which = (r + k) % loads.size();
                    long start = threads.getCurrentThreadCpuTime();
                    if (loads.get(which).get() == null) {
                        throw new IllegalStateException(names.get(which) + " returned null");
                    }
                    nanos[which][r] = threads.getCurrentThreadCpuTime() - start;
                }
            }
            double[] median = new double[loads.size()];
            for (int k = 0; k < loads.size(); k++) {
                long[] measured = Arrays.copyOfRange(nanos[k], rounds / 2, rounds);
                Arrays.sort(measured);
                median[k] = measured[measured.length / 2] / 1000.0;
                System.out.printf("%-34s %,10.0f µs CPU per load (median of %d)%n", names.get(k), median[k],
                        measured.length);
            }
            System.out.printf("reference / baseline = %.2f×, reference / floor = %.2f×%n", median[0] / median[1],
                    median[0] / median[2]);
        } finally {
            bench.tearDown();
        }
    }
}
