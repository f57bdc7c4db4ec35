package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class TestScriptsTest {

    @TempDir
    Path dir;

    @Test
    void writesAnExecutableShellScriptThatRunsByItsPath() throws Exception {
        Path script = TestScripts.write(dir, "hello.sh", "echo \"hello $1\"", "exit 3");

        assertThat(script).isAbsolute().startsWith(dir);
        assertThat(Files.readString(script)).isEqualTo("#!/bin/sh\necho \"hello $1\"\nexit 3\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxr-xr-x");

        Process p = new ProcessBuilder(script.toString(), "world").redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        p.getOutputStream().close();
        assertThat(p.waitFor()).isEqualTo(3);
        assertThat(out).isEqualTo("hello world\n");
    }

    @Test
    void keepsAnExplicitInterpreterLine() throws Exception {
        Path script = TestScripts.write(dir, "x.sh", "#!/bin/sh -e\nfalse\necho unreachable");
        assertThat(Files.readString(script)).isEqualTo("#!/bin/sh -e\nfalse\necho unreachable\n");
    }
}
