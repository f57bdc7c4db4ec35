package dev.opsworkbook.notes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Q19: packaging: jdeps module list, reproducible jars, the container file")
class PackagingTest {

    static final Path CLASSES = Path.of(System.getProperty("basedir", "."), "target", "classes");
    static final Path APP = CLASSES.resolve("dev/opsworkbook/notes/delivery/app");

    @Test
    @Timeout(60) // jdeps reads the JDK's module graph: seconds of CPU, over the kit's 10 s default on a busy machine
    @DisplayName("jdeps computes the modules the probe app needs: java.base, java.logging, java.net.http")
    void jdepsModuleList(@TempDir Path tmp) throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes/dev/opsworkbook/notes/delivery/app"));
        Files.copy(APP.resolve("ProbeMain.class"), classes.resolve("ProbeMain.class"));
        assertThat(Packaging.requiredModules(tmp.resolve("classes")))
                .containsExactly("java.base", "java.logging", "java.net.http");
        assertThat(Packaging.jlinkCommand(List.of("java.base", "java.net.http"), Path.of("/opt/jre")))
                .containsSubsequence("--add-modules", "java.base,java.net.http", "--output", "/opt/jre");
    }

    @Test
    @DisplayName("with a fixed --date the same classes give byte-identical jars")
    void reproducibleJar(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a.jar");
        Path b = tmp.resolve("b.jar");
        Packaging.reproducibleJar(a, APP, "2024-01-01T00:00:00Z");
        Packaging.reproducibleJar(b, APP, "2024-01-01T00:00:00Z");
        assertThat(Files.size(a)).isPositive();
        assertThat(Files.mismatch(a, b)).as("first differing byte").isEqualTo(-1L);
    }

    @Test
    @DisplayName("the container file is multi-stage, runs as a non-root uid, and ships no JDK or Maven")
    void dockerfile() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("basedir", "."), "src/main/docker/Dockerfile"));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.getFirst()).contains("temurin-21").endsWith(" AS build");   // JDK + Maven to build
        assertThat(froms.getLast()).doesNotContain("jdk").doesNotContain("maven");
        int lastFrom = lines.indexOf(froms.getLast());
        List<String> runtime = lines.subList(lastFrom, lines.size());
        assertThat(runtime).anyMatch(l -> l.matches("USER [1-9][0-9]{3,}"));
        assertThat(runtime.stream().filter(l -> l.startsWith("USER ")).toList().getLast()).isNotIn("USER root", "USER 0");
        assertThat(runtime).anyMatch(l -> l.startsWith("ENTRYPOINT [")); // exec form: java is PID 1, gets SIGTERM
    }
}
