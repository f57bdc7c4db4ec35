package dev.opsworkbook.grading;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles many bug-zoo variants of one exercise in one JVM: a warm compiler takes a fraction of a second per
 * variant where a fresh {@code javac} process takes seconds. Each variant folder holds the patched
 * {@code src/main/java} (and the exercise's {@code src/given/java}); every {@code .java} file under its
 * {@code src} is compiled into its {@code classes/}, and when the compiler complains, it gets {@code javac.log}.
 * Then, either way, it gets an empty {@code compile.done}: {@code verify.sh} feeds variants in on stdin as it
 * prepares them, and runs each as soon as its {@code compile.done} appears.
 */
final class VariantCompiler {
    private VariantCompiler() {
    }

    /**
     * {@code compile CLASSPATH_FILE VARIANT_DIR...}, or {@code compile -}: one {@code CLASSPATH_FILE<tab>VARIANT_DIR}
     * a line from stdin, each compiled as it comes, up to the end of input. Exit 0 when every variant compiled,
     * 1 otherwise.
     */
    static int run(List<String> args, PrintStream out) throws IOException {
        boolean stdin = args.equals(List.of("-"));
        if (args.size() < 2 && !stdin) {
            out.println("usage: GradingCli compile CLASSPATH_FILE VARIANT_DIR...");
            out.println("       GradingCli compile -   (stdin: one CLASSPATH_FILE<tab>VARIANT_DIR a line)");
            return 2;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            out.println("no Java compiler in this JVM: run it with a JDK, not a JRE");
            return 2;
        }
        boolean all = true;
        if (!stdin) {
            String classpath = readClasspath(args.getFirst());
            for (String dir : args.subList(1, args.size())) {
                all &= compile(javac, classpath, Path.of(dir), out);
            }
            return all ? 0 : 1;
        }
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                out.println("compile -: expected CLASSPATH_FILE<tab>VARIANT_DIR, got '" + line + "'");
                return 2;
            }
            all &= compile(javac, readClasspath(line.substring(0, tab)), Path.of(line.substring(tab + 1)), out);
        }
        return all ? 0 : 1;
    }

    private static String readClasspath(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    }

    private static boolean compile(JavaCompiler javac, String classpath, Path variant, PrintStream out)
            throws IOException {
        Path classes = Files.createDirectories(variant.resolve("classes"));
        List<Path> sources;
        try (Stream<Path> files = Files.walk(variant.resolve("src"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        StringWriter messages = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            // The build's settings (parent POM): release 21, UTF-8; no annotation processors in main code.
            List<String> options = List.of("--release", "21", "-encoding", "UTF-8", "-proc:none", "-nowarn",
                    "-d", classes.toString(), "-cp", classpath);
            ok = javac.getTask(messages, files, null, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        if (!ok) {
            Files.writeString(variant.resolve("javac.log"), messages.toString(), StandardCharsets.UTF_8);
            out.println("  " + variant.getFileName() + ": does not compile (see " + variant.resolve("javac.log") + ")");
        }
        Files.writeString(variant.resolve("compile.done"), "", StandardCharsets.UTF_8);
        return ok;
    }
}
