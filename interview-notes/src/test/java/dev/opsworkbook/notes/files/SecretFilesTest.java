package dev.opsworkbook.notes.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsworkbook.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@DisplayName("Q13: temp files, permissions and secrets")
class SecretFilesTest {

    @RegisterExtension
    final LogCapture log = LogCapture.forLogger(SecretFilesTest.class);

    @TempDir
    Path tmp;

    static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    @DisplayName("a secret file is rw------- and is never overwritten if it exists")
    void ownerOnlySecret() throws Exception {
        Path f = SecretFiles.writeSecret(tmp, "token", "s3cr3t".getBytes(StandardCharsets.UTF_8));
        assertThat(perms(f)).isEqualTo("rw-------");
        assertThat(Files.readString(f)).isEqualTo("s3cr3t");
        assertThatThrownBy(() -> SecretFiles.writeSecret(tmp, "token", new byte[0]))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    @DisplayName("the workspace and its temp files are owner-only, and close() deletes everything")
    void workspace() throws Exception {
        Path dir;
        try (SecretFiles.Workspace ws = new SecretFiles.Workspace("notes-test-")) {
            dir = ws.dir();
            Path f = ws.newTempFile(".json");
            Files.createDirectories(dir.resolve("nested/deeper"));
            Files.writeString(dir.resolve("nested/deeper/x"), "x");
            assertThat(perms(dir)).isEqualTo("rwx------");
            assertThat(perms(f)).isEqualTo("rw-------");
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    @DisplayName("a plain Files.writeString file gets the umask's permissions, not owner-only")
    void plainWriteIsNotOwnerOnly() throws Exception {
        Path f = Files.writeString(tmp.resolve("plain"), "x");
        // we cannot know the umask here; we can know the JDK did not make it owner-only on purpose
        assertThat(perms(f)).startsWith("rw-").isNotEqualTo("rw-------").satisfiesAnyOf(
                p -> assertThat(p).isEqualTo("rw-r--r--"), p -> assertThat(p).isEqualTo("rw-rw-r--"),
                p -> assertThat(p).isEqualTo("rw-r-----"), p -> assertThat(p).isEqualTo("rw-rw----"));
    }

    @Test
    @DisplayName("a record holding a secret does not print it, in toString() or in a log line")
    void secretNotInToStringOrLogs() {
        var creds = new SecretFiles.DbCredentials("app", "hunter2");
        LoggerFactory.getLogger(SecretFilesTest.class).info("connecting with {}", creds);
        assertThat(creds.toString()).isEqualTo("DbCredentials[user=app, password=****]");
        assertThat(log.events()).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("user=app").doesNotContain("hunter2"));
        assertThat(creds.password()).isEqualTo("hunter2");
    }
}
