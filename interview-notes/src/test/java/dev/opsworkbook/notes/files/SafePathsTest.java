package dev.opsworkbook.notes.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Q12: path-traversal-safe file access")
class SafePathsTest {

    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(Files.createDirectories(root.resolve("reports")).resolve("q1.txt"), "ok");
        Files.writeString(Files.createDirectories(tmp.resolve("data-evil")).resolve("x"), "stolen");
        Files.writeString(tmp.resolve("secret.txt"), "stolen");
        Files.createSymbolicLink(root.resolve("escape"), tmp);                      // dir link out of the root
        Files.createSymbolicLink(root.resolve("secret-link"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("inside-link"), root.resolve("reports"));
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {
            "../secret.txt", "..", "../", "a/../../secret.txt", "reports/../../secret.txt", "./../secret.txt",
            "../data-evil/x", "reports/../../data-evil/x", "/etc/passwd", "//etc/passwd", "/", ".", "reports/..",
            "escape/secret.txt", "escape/data-evil/x", "secret-link", "escape", "escape/new-file.txt",
            "reports/q1.txt\0.png", ""})
    @DisplayName("a battery of hostile paths")
    void rejectsHostilePaths(String hostile) {
        assertThatThrownBy(() -> SafePaths.read(root, hostile))
                .as("'%s' must be rejected", hostile.replace("\0", "\\0"))
                .isInstanceOf(SafePaths.PathEscapeException.class);
    }

    @ParameterizedTest(name = "accepts \"{0}\"")
    @ValueSource(strings = {"reports/q1.txt", "./reports/q1.txt", "reports/./q1.txt", "x/../reports/q1.txt",
            "reports//q1.txt", "inside-link/q1.txt"})
    @DisplayName("benign spellings of a file inside the root")
    void acceptsBenignPaths(String benign) throws IOException {
        assertThat(SafePaths.read(root, benign)).asString().isEqualTo("ok");
    }

    @Test
    @DisplayName("a backslash is an ordinary file-name character on Linux, so '..\\\\x' stays inside")
    void backslashIsAName() throws IOException {
        assertThat(SafePaths.resolveUnder(root, "..\\secret.txt")).isEqualTo(root.toRealPath().resolve("..\\secret.txt"));
    }

    @Test
    @DisplayName("the string-prefix check lets a sibling directory with the same prefix through")
    void naiveCheckIsWrong() {
        assertThat(SafePaths.naiveIsInside(root, "../data-evil/x")).as("String.startsWith").isTrue();
        assertThat(root.resolve("../data-evil/x").normalize().startsWith(root)).as("Path.startsWith").isFalse();
    }

    @Test
    @DisplayName("zip-slip: entry names are checked like any other untrusted path")
    void zipSlip() throws IOException {
        Path target = Files.createDirectories(tmp.resolve("extract"));
        assertThat(SafePaths.zipEntryTarget(target, "app/lib/a.jar")).isEqualTo(target.toRealPath().resolve("app/lib/a.jar"));
        for (String evil : new String[] {"../../etc/cron.d/evil", "..\\..\\evil.bat", "/abs/evil"}) {
            assertThatThrownBy(() -> SafePaths.zipEntryTarget(target, evil)).as(evil)
                    .isInstanceOf(SafePaths.PathEscapeException.class);
        }
    }
}
