package dev.opsworkbook.notes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Q14: profiling with JFR from code")
class AllocationHotSpotsTest {

    @Test
    @DisplayName("a recording of the workload ranks the planted allocation hot spot first")
    void findsThePlantedHotSpot(@TempDir Path dir) throws Exception {
        long[] sink = new long[1];
        Path jfr = AllocationHotSpots.record(() -> sink[0] = AllocationHotSpots.workload(), dir.resolve("run.jfr"));
        assertThat(jfr).isNotEmptyFile();
        assertThat(Files.size(jfr)).isGreaterThan(1_000);

        Map<String, Long> byMethod = AllocationHotSpots.allocationsByMethod(jfr, "dev.opsworkbook.notes");
        assertThat(byMethod).as("sampled allocation by method").isNotEmpty();
        var top = byMethod.entrySet().iterator().next();
        assertThat(top.getKey()).isEqualTo(AllocationHotSpots.class.getName() + ".buildReport");
        // 100 calls x 4 MiB were planted; the events sample them (all of them when 4 MiB exceeds the
        // TLAB limit, as on this machine), so require a wide-margin quarter
        assertThat(top.getValue()).isGreaterThanOrEqualTo(100L << 20);
        assertThat(sink[0]).isPositive();
    }
}
