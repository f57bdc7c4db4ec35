package dev.opsworkbook.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A {@code main} class running in a child JVM, so that a test can send it SIGTERM, give it a small heap
 * or watch it exit.
 *
 * <pre>{@code
 * try (ChildJvm jvm = ChildJvm.builder(MyMain.class).jvmArgs("-Xmx48m").args("--port", "0").start()) {
 *     jvm.waitForOutput(line -> line.contains("ready"), Duration.ofSeconds(5));
 *     jvm.sendSigterm();
 *     assertThat(jvm.awaitExit(Duration.ofSeconds(5))).isZero();
 * }
 * }</pre>
 *
 * <p>The child runs with the same {@code java} ({@code java.home}) and the current test classpath
 * (Surefire's {@code surefire.test.class.path} when set, because {@code java.class.path} may then be a
 * manifest-only booter jar). Its stdout and stderr go to files (no pipes, no pump threads, nothing the
 * child can block on); its stdin is {@code /dev/null}. Logback in the child logs INFO and above to stderr
 * ({@code child-logback.xml}), so a program that logs keeps its stdout to itself. {@link #close()} kills it (and its descendants)
 * with SIGKILL if it still runs, reaps it, and deletes the output files.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path outputDir;
    private final boolean ownsOutputDir;
    private final Path stdoutFile;
    private final Path stderrFile;
    /** The child's logging configuration (a resource of this kit): INFO and above, to stderr. */
    static final String CHILD_LOGBACK_CONFIG = "dev/opsworkbook/testing/child-logback.xml";

    private final List<String> command;

    private ChildJvm(Process process, Path outputDir, boolean ownsOutputDir, Path stdoutFile, Path stderrFile,
                     List<String> command) {
        this.process = process;
        this.outputDir = outputDir;
        this.ownsOutputDir = ownsOutputDir;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
        this.command = command;
    }

    /** Starts describing a child JVM that runs {@code mainClass}. */
    public static Builder builder(Class<?> mainClass) {
        return new Builder(mainClass.getName());
    }

    /** Starts describing a child JVM that runs the main class named {@code mainClass}. */
    public static Builder builder(String mainClass) {
        return new Builder(mainClass);
    }

    /** The classpath a child JVM gets: the test classpath of this JVM. */
    public static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** What to launch. */
    public static final class Builder {
        private final String mainClass;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private @Nullable Path workingDirectory;
        private @Nullable Path outputDirectory;
        private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

        private Builder(String mainClass) {
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        }

        /** Options for the JVM itself, e.g. {@code -Xmx48m}, {@code -Dkey=value}. */
        public Builder jvmArgs(String... jvmArgs) {
            this.jvmArgs.addAll(Arrays.asList(jvmArgs));
            return this;
        }

        /** Arguments passed to {@code main}. */
        public Builder args(String... args) {
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        /** An environment variable for the child, on top of this JVM's environment. */
        public Builder environment(String name, String value) {
            this.environment.put(name, value);
            return this;
        }

        /** The child's working directory (default: this JVM's). */
        public Builder workingDirectory(@Nullable Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /**
         * Where {@code stdout.txt} and {@code stderr.txt} are written, e.g. a {@code @TempDir}; by default a
         * fresh directory under {@code java.io.tmpdir} that {@link #close()} deletes.
         */
        public Builder outputDirectory(Path dir) {
            this.outputDirectory = dir;
            return this;
        }

        /** Launches the child JVM. */
        public ChildJvm start() throws IOException {
            boolean owns = outputDirectory == null;
            Path dir = owns
                    ? Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))),
                            "child-jvm-")
                    : Files.createDirectories(outputDirectory);
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // Logback's default console appender writes to stdout, where it would mix with the program's output.
            command.add("-Dlogback.configurationFile=" + CHILD_LOGBACK_CONFIG);
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(testClassPath());
            command.add(mainClass);
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            builder.environment().putAll(environment);
            return new ChildJvm(builder.start(), dir, owns, out, err, List.copyOf(command));
        }
    }

    /** The child JVM's pid. */
    public long pid() {
        return process.pid();
    }

    /** The underlying process. */
    public Process process() {
        return process;
    }

    /** Everything the child has written to stdout so far. */
    public String stdout() {
        return read(stdoutFile);
    }

    /** Everything the child has written to stderr so far. */
    public String stderr() {
        return read(stderrFile);
    }

    /** The complete lines the child has written to stdout so far. */
    public List<String> stdoutLines() {
        String text = stdout();
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }

    /**
     * Waits until a complete stdout line matches {@code line} and returns it; fails (with the child's
     * output) when the child exits first or when {@code timeout} passes.
     */
    public String waitForOutput(Predicate<String> line, Duration timeout) {
        try {
            return await().pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .atMost(Processes.positive(timeout))
                    .until(() -> {
                        // Read the lines before checking liveness so nothing written just before exit is missed.
                        List<String> lines = stdoutLines();
                        var match = lines.stream().filter(line).findFirst();
                        if (match.isEmpty() && !process.isAlive()) {
                            List<String> last = stdoutLines();
                            match = last.stream().filter(line).findFirst();
                            if (match.isEmpty()) {
                                throw new AssertionError("the child JVM exited with code " + process.exitValue()
                                        + " before writing the expected line" + outputForMessage());
                            }
                        }
                        return match;
                    }, java.util.Optional::isPresent)
                    .orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the child JVM did not write the expected line within " + timeout.toMillis()
                    + " ms" + outputForMessage());
        }
    }

    /** Waits until stdout has a complete line containing {@code text}; see {@link #waitForOutput(Predicate, Duration)}. */
    public String waitForOutput(String text, Duration timeout) {
        return waitForOutput(l -> l.contains(text), timeout);
    }

    /** Sends SIGTERM (what {@code kill <pid>} or a container stop sends) to the child JVM. */
    public void sendSigterm() {
        process.destroy(); // SIGTERM on Unix
    }

    /**
     * Waits for the child JVM to exit and returns its exit code (143 = killed by SIGTERM, 137 = by
     * SIGKILL); fails with its output if it still runs after {@code timeout}.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child JVM was still running " + timeout.toMillis() + " ms later"
                    + outputForMessage());
        }
        return process.exitValue();
    }

    /** The child's command line, stdout and stderr (each capped), for failure messages. */
    public String outputForMessage() {
        return "\n  command: " + String.join(" ", command.stream().map(ChildJvm::abbreviateClasspath).toList())
                + "\n  stdout: " + tail(stdout()) + "\n  stderr: " + tail(stderr());
    }

    /** Kills the child and its descendants (SIGKILL) if still running, reaps it, deletes its output files. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child JVM " + process.pid() + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsOutputDir) {
            try (Stream<Path> files = Files.walk(outputDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (java.nio.charset.MalformedInputException e) {
            try {
                return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String text) {
        if (text.isEmpty()) {
            return "(nothing)";
        }
        int max = 4000;
        String shown = text.length() <= max ? text : "..." + text.substring(text.length() - max);
        return "\n" + shown.strip().indent(4).stripTrailing();
    }

    private static String abbreviateClasspath(String arg) {
        return arg.length() > 200 && arg.contains(File.pathSeparator) ? "<test classpath>" : arg;
    }
}
