package dev.opsworkbook.notes.sre;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Pattern;

/**
 * Q40: a container's CPU limit as cgroup v2 states it ({@code cpu.max}, {@code cpu.stat}) next to what the JVM
 * derives from it ({@code availableProcessors()}).
 */
public final class CgroupCpu {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private CgroupCpu() {
    }

    // @start region=cgroup
    /** {@code cpu.max} is "QUOTA PERIOD" in microseconds, e.g. "150000 100000" = 1.5 CPUs; "max" = no limit. */
    static OptionalDouble cpuLimit(String cpuMax) {
        List<String> parts = WHITESPACE.splitAsStream(cpuMax.strip()).toList();
        if (parts.get(0).equals("max")) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Double.parseDouble(parts.get(0)) / Double.parseDouble(parts.get(1)));
    }

    /** The processor count the JVM derives from a quota: rounded up, at least 1, at most the host's CPUs. */
    static int jvmProcessorsFor(OptionalDouble limit, int hostCpus) {
        return limit.isEmpty() ? hostCpus : (int) Math.min(hostCpus, Math.max(1, Math.ceil(limit.getAsDouble())));
    }

    /** {@code cpu.stat}: usage_usec, nr_periods, nr_throttled, throttled_usec, … as numbers. */
    static Map<String, Long> cpuStat(String text) {
        Map<String, Long> stat = new HashMap<>();
        text.lines().map(l -> WHITESPACE.splitAsStream(l.strip()).toList()).filter(kv -> kv.size() == 2)
                .forEach(kv -> stat.put(kv.get(0), Long.parseLong(kv.get(1))));
        return stat;
    }

    /** The share of scheduler periods in which the container hit its quota: the number to alert on. */
    static double throttledRatio(Map<String, Long> stat) {
        long periods = stat.getOrDefault("nr_periods", 0L);
        return periods == 0 ? 0 : (double) stat.getOrDefault("nr_throttled", 0L) / periods;
    }
    // @end region=cgroup

    /** Reads {@code cpu.max} and {@code cpu.stat} from a cgroup v2 directory such as {@code /sys/fs/cgroup}. */
    static Map<String, String> read(Path cgroupDir) throws IOException {
        return Map.of("cpu.max", Files.readString(cgroupDir.resolve("cpu.max")),
                "cpu.stat", Files.readString(cgroupDir.resolve("cpu.stat")));
    }

    /** Prints what this JVM believes about its CPUs; the test runs it with {@code -XX:ActiveProcessorCount=1}. */
    public static void main(String[] args) {
        System.out.println("availableProcessors=" + Runtime.getRuntime().availableProcessors());
        System.out.println("commonPoolParallelism=" + ForkJoinPool.commonPool().getParallelism());
    }
}
