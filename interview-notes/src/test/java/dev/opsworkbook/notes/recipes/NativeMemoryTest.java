package dev.opsworkbook.notes.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.ChildJvm;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
@DisplayName("Q45 recipe: native memory by category with NMT (child JVM), heap peak from the memory pools")
class NativeMemoryTest {

    static Map<String, Long> run(int directMiB) throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(NativeMemory.class)
                .jvmArgs("-XX:NativeMemoryTracking=summary", "-XX:TieredStopAtLevel=1", "-Xmx64m")
                .args(Integer.toString(directMiB)).start()) {
            assertThat(jvm.awaitExit(Duration.ofSeconds(40))).as(jvm.outputForMessage()).isZero();
            return jvm.stdoutLines().stream().map(l -> l.split("=", 2))
                    .collect(Collectors.toMap(kv -> kv[0], kv -> Long.parseLong(kv[1])));
        }
    }

    @Test
    @DisplayName("64 MiB of direct buffers show up in NMT's 'Other' category, outside the 64 MiB heap")
    void directBuffersAreFound() throws Exception {
        Map<String, Long> with = run(64);
        Map<String, Long> without = run(0);
        assertThat(with.get("buffers")).isEqualTo(64);
        assertThat(with.get("otherCommittedKb")).isGreaterThanOrEqualTo(64 * 1024);
        assertThat(with.get("otherCommittedKb") - without.get("otherCommittedKb"))
                .as("KB committed by 64 MiB of direct buffers").isBetween(64 * 1024L, 66 * 1024L);
        assertThat(with.get("heapPeakBytes")).as("heap peak").isPositive().isLessThan(64L << 20);
    }

    @Test
    @DisplayName("without -XX:NativeMemoryTracking the command says so instead of failing silently")
    void nmtMustBeEnabled() throws Exception {
        assertThat(NativeMemory.nativeMemorySummary()).containsIgnoringCase("not enabled");
    }
}
