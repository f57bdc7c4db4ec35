package dev.opsworkbook.notes.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/** Q13: temp files and directories only the owner can read, always cleaned up, and secrets kept out of logs. */
public final class SecretFiles {

    private SecretFiles() {
    }

    // @start region=owner-only
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Writes a secret to a new file that is rw------- from its creation: no window where others can read it. */
    static Path writeSecret(Path dir, String name, byte[] secret) throws IOException {
        Path file = Files.createFile(dir.resolve(name), OWNER_ONLY_FILE); // fails if it exists: no clobbering
        Files.write(file, secret);
        return file;
    }
    // @end region=owner-only

    // @start region=workspace
    /** A private scratch directory (rwx------) that is deleted, contents and all, when closed. */
    public static final class Workspace implements AutoCloseable {
        private final Path dir;

        public Workspace(String prefix) throws IOException {
            dir = Files.createTempDirectory(prefix);   // POSIX: created rwx------ by the JDK
        }

        public Path dir() {
            return dir;
        }

        public Path newTempFile(String suffix) throws IOException {
            return Files.createTempFile(dir, "tmp-", suffix); // POSIX: created rw------- by the JDK
        }

        @Override
        public void close() {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
    // @end region=workspace

    // @start region=secret-record
    /** A record's generated toString() prints every component: override it when one is a secret. */
    public record DbCredentials(String user, String password) {
        @Override
        public String toString() {
            return "DbCredentials[user=" + user + ", password=****]";
        }
    }
    // @end region=secret-record
}
