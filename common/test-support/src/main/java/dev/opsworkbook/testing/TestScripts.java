package dev.opsworkbook.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Small executable shell scripts for tests, written into a test's directory (a {@code @TempDir}).
 *
 * <pre>{@code
 * Path tree = TestScripts.write(dir, "tree.sh", """
 *         echo $$ >> "$1"
 *         exec sleep 30
 *         """);
 * }</pre>
 *
 * <p>The body gets a {@code #!/bin/sh} line unless it starts with its own {@code #!}; the file is
 * {@code rwxr-xr-x}. Run it by its path, as {@code argv[0]}: no shell is involved in starting it.
 */
public final class TestScripts {

    private TestScripts() {
    }

    /** Writes {@code body} as the executable script {@code dir/name} and returns its absolute path. */
    public static Path write(Path dir, String name, String body) throws IOException {
        Path script = dir.resolve(name).toAbsolutePath();
        String text = body.startsWith("#!") ? body : "#!/bin/sh\n" + body;
        if (!text.endsWith("\n")) {
            text += "\n";
        }
        Files.writeString(script, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** Writes a script whose body is {@code lines}, one per line. */
    public static Path write(Path dir, String name, String... lines) throws IOException {
        return write(dir, name, String.join("\n", lines));
    }
}
