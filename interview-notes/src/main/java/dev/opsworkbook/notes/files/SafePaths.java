package dev.opsworkbook.notes.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Q12: resolve untrusted relative paths under a root, so nothing outside the root can be reached. */
public final class SafePaths {

    private SafePaths() {
    }

    /** Thrown for any path that would leave the root. */
    public static final class PathEscapeException extends IOException {
        public PathEscapeException(String message) {
            super(message);
        }
    }

    // @start region=resolve
    /**
     * The file {@code untrusted} names under {@code root}. Rejects absolute paths, NUL bytes, anything
     * that normalises outside the root, and (for existing files) symlinks that point outside it.
     */
    public static Path resolveUnder(Path root, String untrusted) throws IOException {
        if (untrusted.isEmpty() || untrusted.indexOf('\0') >= 0) {
            throw new PathEscapeException("empty path or NUL byte");
        }
        Path realRoot = root.toRealPath();                  // the root itself may be a symlink
        Path relative = realRoot.getFileSystem().getPath(untrusted);
        if (relative.isAbsolute()) {                        // resolve() would return it unchanged
            throw new PathEscapeException("absolute path: " + untrusted);
        }
        Path candidate = realRoot.resolve(relative).normalize();
        if (!candidate.startsWith(realRoot) || candidate.equals(realRoot)) { // Path.startsWith: whole names
            throw new PathEscapeException("outside the root: " + untrusted);
        }
        Path existing = deepestExisting(candidate);         // symlinks: check where they really lead
        if (!existing.toRealPath().startsWith(realRoot)) {
            throw new PathEscapeException("a symlink leads outside the root: " + untrusted);
        }
        return candidate;
    }
    // @end region=resolve

    private static Path deepestExisting(Path p) {
        Path q = p;
        for (Path parent = q.getParent(); parent != null && !Files.exists(q, LinkOption.NOFOLLOW_LINKS);
                parent = q.getParent()) {
            q = parent; // the filesystem root has no parent, and exists
        }
        return q;
    }

    // @start region=naive
    /** The classic bug: a string prefix check. "/srv/data-evil/x" starts with "/srv/data". */
    static boolean naiveIsInside(Path root, String untrusted) {
        String full = root.resolve(untrusted).normalize().toString();
        return full.startsWith(root.toString());
    }
    // @end region=naive

    // @start region=zip-slip
    /** Zip-slip: an entry named "../../etc/cron.d/x" must not be extracted outside the target. */
    public static Path zipEntryTarget(Path extractRoot, String entryName) throws IOException {
        return resolveUnder(extractRoot, entryName.replace('\\', '/')); // Windows zips use backslashes
    }
    // @end region=zip-slip

    /** Reads a file under the root, or fails for escapes and for missing files alike. */
    public static byte[] read(Path root, String untrusted) throws IOException {
        Path p = resolveUnder(root, untrusted);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(untrusted);
        }
        return Files.readAllBytes(p);
    }
}
