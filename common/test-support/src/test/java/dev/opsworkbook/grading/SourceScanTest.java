package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The scan of a learner's sources for code that reaches for the grader")
class SourceScanTest {

    @TempDir
    Path module;

    @Test
    @DisplayName("flags the grader's files, classes, channel, JUnit and paths under target/, with file and line")
    void flagsWhatReachesForTheGrader() throws IOException {
        write("src/main/java/x/Sneaky.java", """
                package x;
                import dev.opsworkbook.grading.GradingListener;
                class Sneaky {
                    static { Runtime.getRuntime().addShutdownHook(new Thread(() -> rewrite("target/grading/results.json"))); }
                    static void rewrite(String f) { }
                    static String port() { return System.getenv("GRADING_COLLECTOR"); }
                    static String surefire() { return "target/surefire-reports/TEST-x.xml"; }
                    static Object launcher() { return org.junit.platform.launcher.core.LauncherFactory.create(); }
                }
                """);
        write("src/main/resources/META-INF/services/org.junit.platform.launcher.TestExecutionListener", "x.Spy\\n");

        List<String> flags = SourceScan.flags(module);

        assertThat(flags).anyMatch(f -> f.startsWith("src/main/java/x/Sneaky.java:2: uses the grading kit"))
                .anyMatch(f -> f.startsWith("src/main/java/x/Sneaky.java:4: names a file the grader writes"))
                .anyMatch(f -> f.startsWith("src/main/java/x/Sneaky.java:6: names the grader's results channel"))
                .anyMatch(f -> f.startsWith("src/main/java/x/Sneaky.java:7: names a path under target/"))
                .anyMatch(f -> f.startsWith("src/main/java/x/Sneaky.java:8: uses the test framework"))
                .anyMatch(f -> f.contains("META-INF/services/org.junit") && f.contains("registers itself with JUnit"));
    }

    @Test
    @DisplayName("raises nothing on an honest solution: the references, shutdown hooks and raw stdout and all")
    void referencesAreClean() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("../../solutions")), "a copy without the references");
        try (Stream<Path> references = Files.list(Path.of("../../solutions"))) {
            for (Path reference : references.filter(Files::isDirectory).toList()) {
                assertThat(SourceScan.flags(reference)).as(reference.toString()).isEmpty();
            }
        }
    }

    private void write(String path, String text) throws IOException {
        Path file = module.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
