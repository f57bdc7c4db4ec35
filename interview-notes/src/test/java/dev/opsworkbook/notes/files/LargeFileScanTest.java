package dev.opsworkbook.notes.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsworkbook.testing.ChildJvm;
import dev.opsworkbook.testing.LeakCheck;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q15: streaming a file four times larger than the heap (child JVM, -Xmx16m)")
class LargeFileScanTest {

    @TempDir
    static Path dir;
    static Path log;
    static final int LINES = 1_000_000;         // ~72 MB of text
    static final long EXPECTED = LINES / 100;

    @BeforeAll
    static void generate() throws Exception {
        log = dir.resolve("big.log");
        try (BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (int i = 0; i < LINES; i++) {
                w.write(i % 100 == 0 ? "2024-05-01T10:00:00Z ERROR upstream timed out request="
                        : "2024-05-01T10:00:00Z INFO ok r=");
                String number = Integer.toString(i); // zero-padded to 40 digits; String.format is too slow under load
                w.write("0".repeat(40 - number.length()));
                w.write(number);
                w.write('\n');
            }
        }
        assertThat(Files.size(log)).isGreaterThan(64L << 20);
    }

    static String run(String mode) throws Exception {
        try (ChildJvm jvm = ChildJvm.builder(LargeFileScan.class)
                .jvmArgs("-Xmx16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .args(mode, log.toString(), " ERROR ").start()) {
            int code = jvm.awaitExit(Duration.ofSeconds(50));
            return code + " " + jvm.stdout().strip();
        }
    }

    @Test
    @DisplayName("Files.lines in try-with-resources counts every match in bounded memory")
    void streamingWorks() throws Exception {
        assertThat(run("stream")).isEqualTo("0 matches=" + EXPECTED);
    }

    @Test
    @DisplayName("a BufferedReader loop does too")
    void loopWorks() throws Exception {
        assertThat(run("loop")).isEqualTo("0 matches=" + EXPECTED);
    }

    @Test
    @DisplayName("readAllLines runs out of heap on the same file")
    void readAllFails() throws Exception {
        assertThat(run("readAll")).isEqualTo("3 OutOfMemoryError");
    }

    @Test
    @DisplayName("in-process, all three agree on a small file")
    void agreeOnSmallFile() throws Exception {
        Path small = Files.writeString(dir.resolve("small.log"), "a ERROR x\nb INFO\nc ERROR y\n");
        assertThat(LargeFileScan.countMatching(small, " ERROR ")).isEqualTo(2);
        assertThat(LargeFileScan.countMatchingLoop(small, " ERROR ")).isEqualTo(2);
        assertThat(LargeFileScan.countMatchingReadAll(small, " ERROR ")).isEqualTo(2);
    }
}
