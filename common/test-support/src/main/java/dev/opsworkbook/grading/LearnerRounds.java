package dev.opsworkbook.grading;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;

/**
 * Grades a learner's exercise folder again and again, as {@code watch.sh} and {@code interview.sh} do: a warm
 * in-process compiler turns {@code src/main/java} (with the given types) and the suite into a fresh folder per
 * round, and the suite runs there in a JVM of its own, under {@link SuiteRunner} (the grader's JUnit
 * configuration and listener, so the round's {@code results.json} is the one {@code grade.sh} would write).
 *
 * <p>Why a JVM per round and not a class loader in this one: the learner's code is unfinished by definition.
 * A thread it leaks or leaves spinning, a {@code System.exit}, a static it sets, would otherwise stay in the
 * watcher for every later round; and the kit's {@code ChildJvm} launches {@code main} classes from
 * {@code java.class.path}, which only a fresh JVM gets right. With C1 only, the JVM costs well under a second.
 */
final class LearnerRounds implements AutoCloseable {

    /** What one round found. */
    sealed interface Outcome {
        /** The learner's code (or the suite against it) does not compile: the compiler's messages. */
        record CompileError(String diagnostics) implements Outcome {
        }

        /** The suite ran; its results (with {@code --fail-fast}, the tests after the first failure are skipped). */
        record Graded(Results.Exercise results) implements Outcome {
        }

        /** The suite's JVM ended without a report: why, and the end of its log. */
        record Broken(String why) implements Outcome {
        }

        /** A newer round (or the end of the session) cancelled this one. */
        record Cancelled() implements Outcome {
        }
    }

    private final Path exercise;
    private final String slug;
    private final String classpath;
    private final Path work;
    private final JavaCompiler javac;
    private final StandardJavaFileManager files;
    private int round;
    private @Nullable Process running;
    private @Nullable Standby spare;
    private boolean cancelled;
    private volatile long compileMs;
    /** The compiled suite, and the API of the learner's classes it was compiled against. */
    private @Nullable Path suite;
    private String suiteApi = "";

    /**
     * @param exercise the exercise folder (its {@code src/main/java}, {@code src/given/java}, {@code src/test/java})
     * @param classpath the suite's test classpath without the exercise's own classes (the kit, JUnit, ...)
     * @param work a folder of this session's own; each round gets a fresh sub-folder, the previous one is deleted
     */
    LearnerRounds(Path exercise, String slug, String classpath, Path work) throws IOException {
        this.exercise = exercise;
        this.slug = slug;
        this.classpath = classpath;
        this.work = Files.createDirectories(work);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in this JVM: run it with a JDK, not a JRE");
        }
        this.javac = compiler;
        // Kept for the whole session: it keeps the class path's jars open and indexed, which is most of what
        // makes the second compile several times faster than the first.
        this.files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
    }

    /**
     * Compiles the exercise as it is now and runs its suite.
     *
     * @param tag only the tests with this tag ({@code task:2}), or null for all
     * @param failFast stop at the first failing test
     */
    Outcome run(@Nullable String tag, boolean failFast) throws IOException, InterruptedException {
        Standby ready;
        synchronized (this) {
            cancelled = false;
            ready = spare;
            spare = null;
        }
        Path dir = ready != null ? ready.dir() : newRoundDir();
        deleteOtherRounds(dir);
        Path main = Files.createDirectories(dir.resolve("main"));
        long started = System.nanoTime();
        String errors = compile(List.of(exercise.resolve("src/main/java"), exercise.resolve("src/given/java")),
                classpath, main);
        if (errors == null) {
            // The suite is most of the compiling (AssertJ's generics are slow to check), and it only needs compiling
            // again when what it can call changed: a learner editing method bodies reuses the last round's.
            String api = api(main);
            if (suite == null || !api.equals(suiteApi)) {
                Path fresh = Files.createDirectories(dir.resolve("test"));
                errors = compile(List.of(exercise.resolve("src/test/java")), main + File.pathSeparator + classpath,
                        fresh);
                if (errors != null) {
                    errors = "the grading suite does not compile against your classes: did you change a signature"
                            + " that the README gives?\n" + errors;
                } else {
                    Path kept = Files.move(fresh, work.resolve("suite-" + round));
                    if (suite != null) {
                        deleteTree(suite);
                    }
                    suite = kept;
                    suiteApi = api;
                }
            }
        }
        compileMs = (System.nanoTime() - started) / 1_000_000;
        if (errors != null) {
            if (ready != null) {
                // Still good for the next round: it has loaded nothing from here. Leave it nothing stale to find.
                deleteTree(main);
                Files.createDirectories(main);
                synchronized (this) {
                    spare = ready;
                }
            }
            return new Outcome.CompileError(errors);
        }
        Path test = Objects.requireNonNull(suite);
        if (ready != null && (!ready.suite().equals(test) || !ready.process().isAlive())) {
            stop(ready.process()); // started with the suite of before
            ready = null;
        }
        Path results = dir.resolve("results.json");
        List<String> args = new ArrayList<>(List.of("--classes", test.toString(), "--slug", slug, "--results",
                results.toString()));
        if (failFast) {
            args.add("--fail-fast");
        }
        if (tag != null) {
            args.addAll(List.of("--tag", tag));
        }
        Process process;
        synchronized (this) {
            if (cancelled) {
                if (ready != null) {
                    stop(ready.process());
                }
                return new Outcome.Cancelled();
            }
            process = ready != null ? ready.process() : standby(dir, test).process();
            running = process;
        }
        try (var go = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8)) {
            args.forEach(go::println);
            go.println();
        }
        int exit = process.waitFor();
        synchronized (this) {
            running = null;
            if (cancelled) {
                return new Outcome.Cancelled();
            }
            // The next round's JVM warms up while the learner reads this one.
            spare = standby(newRoundDir(), test);
        }
        if (!Files.exists(results)) {
            return new Outcome.Broken("the suite's JVM ended (exit code " + exit + ") before it wrote a report; its log:\n"
                    + tail(dir.resolve("suite.log"), 20));
        }
        return new Outcome.Graded(Json.readExercise(Files.readString(results, StandardCharsets.UTF_8)));
    }

    /** A suite JVM started ahead of its round: JUnit loaded, waiting for its arguments (SuiteRunner --standby). */
    private record Standby(Path dir, Path suite, Process process) {
    }

    private synchronized Path newRoundDir() throws IOException {
        round++;
        Path dir = work.resolve("round-" + round);
        Files.createDirectories(dir.resolve("main"));
        return dir;
    }

    /** Starts the suite's JVM for a round in {@code dir}, whose {@code main} folder will hold the learner's classes. */
    private Standby standby(Path dir, Path test) throws IOException {
        List<String> cp = new ArrayList<>(List.of(dir.resolve("main").toString(), test.toString()));
        for (String resources : List.of("src/main/resources", "src/test/resources")) {
            if (Files.isDirectory(exercise.resolve(resources))) {
                cp.add(exercise.resolve(resources).toAbsolutePath().toString());
            }
        }
        cp.add(classpath);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only: a round is short, and C2's compiler threads would compete with the tests for 2 cores.
                "-XX:TieredStopAtLevel=1", "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8",
                // The main folder is on the class path, empty, from the start: the JVM reads a folder's files when a
                // class is first looked up, and nothing of the learner's is looked up before the round starts.
                "-cp", String.join(File.pathSeparator, cp),
                "dev.opsworkbook.grading.SuiteRunner", "--standby"); // by name: this JVM has no JUnit
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("suite.log").toFile()).start();
        return new Standby(dir, test, process);
    }

    private static void stop(Process process) {
        // Children first: once the JVM is gone, its children are re-parented and harder to find.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().join();
    }

    /** How long the last round's compile took. */
    long compileMs() {
        return compileMs;
    }

    /** Stops the round in progress, if any, with every process it started; {@link #run} returns Cancelled. */
    void cancel() {
        Process process;
        synchronized (this) {
            cancelled = true;
            process = running;
        }
        if (process != null) {
            stop(process);
        }
    }

    private @Nullable String compile(List<Path> roots, String cp, Path out) throws IOException {
        List<Path> sources = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(f -> f.toString().endsWith(".java")).sorted().forEach(sources::add);
                }
            }
        }
        if (sources.isEmpty()) {
            return "no .java files under " + roots.getFirst();
        }
        StringWriter messages = new StringWriter();
        // The build's settings (parent POM): release 21, UTF-8; no annotation processors (JMH is not compiled).
        List<String> options = List.of("--release", "21", "-encoding", "UTF-8", "-proc:none", "-nowarn", "-Xmaxerrs",
                "20", "-d", out.toString(), "-cp", cp);
        boolean ok = javac.getTask(messages, files, null, options, null, files.getJavaFileObjectsFromPaths(sources))
                .call();
        return ok ? null : relativize(messages.toString());
    }

    /**
     * Every non-private member of every class compiled into {@code classes}, as text: when it is unchanged, a suite
     * compiled before still links against the new classes exactly as a fresh compile would. Nothing is initialized.
     */
    private String api(Path classes) throws IOException {
        List<String> names;
        try (Stream<Path> walk = Files.walk(classes)) {
            names = walk.map(p -> classes.relativize(p).toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace(File.separatorChar, '.')).sorted()
                    .toList();
        }
        List<URL> urls = new ArrayList<>(List.of(classes.toUri().toURL()));
        for (String entry : Pattern.compile(File.pathSeparator, Pattern.LITERAL).splitAsStream(classpath).toList()) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        StringBuilder api = new StringBuilder();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            for (String name : names) {
                Class<?> c = Class.forName(name, false, loader);
                api.append(Modifier.toString(c.getModifiers())).append(' ').append(c.getName()).append(" extends ")
                        .append(c.getGenericSuperclass()).append(" implements ")
                        .append(List.of(c.getGenericInterfaces())).append('\n');
                for (Member m : members(c)) {
                    if (!Modifier.isPrivate(m.getModifiers())) {
                        api.append("  ").append(m instanceof Executable e ? e.toGenericString()
                                : ((Field) m).toGenericString()).append('\n');
                    }
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            return "unreadable: " + e; // compile the suite again: javac will say what is wrong, if anything
        }
        return api.toString();
    }

    private static List<Member> members(Class<?> c) {
        List<Member> all = new ArrayList<>();
        all.addAll(List.of(c.getDeclaredConstructors()));
        all.addAll(List.of(c.getDeclaredMethods()));
        all.addAll(List.of(c.getDeclaredFields()));
        all.sort(Comparator.comparing(Member::toString)); // reflection's order is unspecified
        return all;
    }

    /** The compiler names files by absolute path; the learner reads them relative to the exercise. */
    private String relativize(String text) {
        return text.replace(exercise.toAbsolutePath() + File.separator, "");
    }

    private void deleteOtherRounds(Path keep) throws IOException {
        try (Stream<Path> rounds = Files.list(work)) {
            for (Path old : rounds.filter(p -> !p.equals(keep) && !p.equals(suite)).toList()) {
                deleteTree(old);
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static String tail(Path log, int lines) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() throws IOException {
        cancel();
        Standby ready;
        synchronized (this) {
            ready = spare;
            spare = null;
        }
        if (ready != null) {
            stop(ready.process());
        }
        files.close();
        deleteTree(work);
    }
}
