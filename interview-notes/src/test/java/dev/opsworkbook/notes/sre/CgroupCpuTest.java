package dev.opsworkbook.notes.sre;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
@DisplayName("Q40: container CPU limits, cgroup v2 files vs availableProcessors")
class CgroupCpuTest {

    static final Path REAL = Path.of("/sys/fs/cgroup");
    static final Path FIXTURE = Path.of(System.getProperty("basedir", "."), "src/test/resources/sre/cgroup-v2");

    @Test
    @DisplayName("cpu.max '150000 100000' is 1.5 CPUs, which the JVM rounds up to 2; 'max' means no limit")
    void parsesCpuMax() {
        assertThat(CgroupCpu.cpuLimit("150000 100000\n")).hasValue(1.5);
        assertThat(CgroupCpu.jvmProcessorsFor(CgroupCpu.cpuLimit("150000 100000"), 8)).isEqualTo(2);
        assertThat(CgroupCpu.jvmProcessorsFor(CgroupCpu.cpuLimit("50000 100000"), 8)).isEqualTo(1);
        assertThat(CgroupCpu.cpuLimit("max 100000")).isEqualTo(OptionalDouble.empty());
        assertThat(CgroupCpu.jvmProcessorsFor(OptionalDouble.empty(), 8)).isEqualTo(8);
        assertThat(CgroupCpu.jvmProcessorsFor(CgroupCpu.cpuLimit("1600000 100000"), 8)).isEqualTo(8);
    }

    @Test
    @DisplayName("cpu.stat is read from /sys/fs/cgroup when it is cgroup v2, else from a fixture copy (5% throttled)")
    void readsCpuStat() throws Exception {
        boolean real = Files.isReadable(REAL.resolve("cpu.max")) && Files.isReadable(REAL.resolve("cpu.stat"));
        Map<String, String> files = CgroupCpu.read(real ? REAL : FIXTURE);
        Map<String, Long> stat = CgroupCpu.cpuStat(files.get("cpu.stat"));
        assertThat(stat).containsKeys("usage_usec", "user_usec", "system_usec");
        double throttled = CgroupCpu.throttledRatio(stat);
        assertThat(throttled).isBetween(0.0, 1.0);
        OptionalDouble limit = CgroupCpu.cpuLimit(files.get("cpu.max"));
        if (real) {
            // this JVM is in that cgroup: its processor count follows the quota
            assertThat(Runtime.getRuntime().availableProcessors())
                    .isLessThanOrEqualTo(CgroupCpu.jvmProcessorsFor(limit, Integer.MAX_VALUE));
        } else {
            assertThat(limit).hasValue(1.5);
            assertThat(throttled).isEqualTo(0.05);
        }
    }

    @Test
    @DisplayName("a child JVM with -XX:ActiveProcessorCount=1 reports 1 processor and a common pool of 1")
    void activeProcessorCountOverrides() throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(CgroupCpu.class)
                .jvmArgs("-XX:ActiveProcessorCount=1", "-XX:TieredStopAtLevel=1", "-Xshare:auto").start()) {
            assertThat(jvm.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(jvm.stdoutLines()).containsExactly("availableProcessors=1", "commonPoolParallelism=1");
        }
    }
}
