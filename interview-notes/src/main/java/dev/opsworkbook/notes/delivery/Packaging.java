package dev.opsworkbook.notes.delivery;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;

/** Q19: the JDK tools behind a small, reproducible runtime image, run in-process. */
public final class Packaging {

    private Packaging() {
    }

    // @start region=jdeps
    /** The modules an app needs: the input to {@code jlink --add-modules}. */
    static List<String> requiredModules(Path classesOrJar) {
        String out = runTool("jdeps", "--print-module-deps", "--ignore-missing-deps",
                "--multi-release", "21", classesOrJar.toString());
        return List.of(out.strip().split(","));     // e.g. [java.base, java.logging, java.net.http]
    }
    // @end region=jdeps

    // @start region=reproducible-jar
    /** A jar whose entry timestamps are fixed, so the same inputs give the same bytes (and digest). */
    static void reproducibleJar(Path jar, Path classes, String isoTimestamp) {
        runTool("jar", "--create", "--file", jar.toString(), "--date", isoTimestamp,
                "--no-manifest", "-C", classes.toString(), ".");
    }
    // @end region=reproducible-jar

    static String runTool(String name, String... args) {
        ToolProvider tool = ToolProvider.findFirst(name)
                .orElseThrow(() -> new IllegalStateException(name + " not found: run on a JDK, not a JRE"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = tool.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        if (code != 0) {
            throw new IllegalStateException(name + " " + String.join(" ", args) + " failed (" + code + "): "
                    + err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Lists a tool invocation, for the note. */
    static List<String> jlinkCommand(List<String> modules, Path output) {
        List<String> cmd = new ArrayList<>(List.of("jlink", "--add-modules", String.join(",", modules),
                "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=zip-6", "--output",
                output.toString()));
        return List.copyOf(cmd);
    }
}
