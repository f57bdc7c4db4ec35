package dev.opsworkbook.grading;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@code scripts/watch.sh}: re-grades an exercise whenever a file under its {@code src/main/java} changes, and shows
 * only what to do next: the first failing test in source order (its task, message and hint) and the score so far.
 *
 * <p>Each round runs the suite with {@code --fail-fast}: the tests before the first failure passed, the rest have
 * not run, so the round is as short as the next thing to fix allows. A save during a round cancels it.
 */
public final class Watch {
    static final String USAGE = "usage: Watch --exercise DIR --slug SLUG --classpath-file FILE --work DIR"
            + " [--debounce-ms N] [--display NAME] [--clear]";

    private final LearnerRounds rounds;
    private final Path sources;
    private final String display;
    private final long debounceMs;
    private final PrintStream out;
    private final boolean terminal;
    private @Nullable Thread current;

    private Watch(LearnerRounds rounds, Path sources, String display, long debounceMs, PrintStream out,
            boolean terminal) {
        this.rounds = rounds;
        this.sources = sources;
        this.display = display;
        this.debounceMs = debounceMs;
        this.out = out;
        this.terminal = terminal;
    }

    public static void main(String[] args) throws Exception {
        String exercise = null;
        String slug = null;
        String classpathFile = null;
        String work = null;
        String display = null;
        long debounceMs = 200;
        boolean clear = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--clear")) { // the script's stdout is a terminal
                clear = true;
                i--;
                continue;
            }
            if (i + 1 >= args.length) {
                usage(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--exercise" -> exercise = args[i + 1];
                case "--slug" -> slug = args[i + 1];
                case "--classpath-file" -> classpathFile = args[i + 1];
                case "--work" -> work = args[i + 1];
                case "--display" -> display = args[i + 1];
                case "--debounce-ms" -> debounceMs = Long.parseLong(args[i + 1]);
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (exercise == null || slug == null || classpathFile == null || work == null) {
            usage("--exercise, --slug, --classpath-file and --work are required");
            return;
        }
        Path dir = Path.of(exercise).toAbsolutePath();
        String classpath = Files.readString(Path.of(classpathFile), StandardCharsets.UTF_8).strip();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        LearnerRounds rounds = new LearnerRounds(dir, slug, classpath, Path.of(work));
        Watch watch = new Watch(rounds, dir.resolve("src/main/java"), display != null ? display : exercise, debounceMs,
                out, clear);
        // Ctrl-C: the round's JVM and everything it started go with us, and so does the work folder.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                rounds.close();
            } catch (IOException | RuntimeException e) {
                // Leaving anyway; a work folder left behind is deleted by the next session.
            }
            out.println();
            out.println("watch stopped.");
        }));
        watch.loop();
    }

    private static void usage(String why) {
        System.err.println("error: " + why);
        System.err.println(USAGE);
        System.exit(2);
    }

    private void loop() throws IOException, InterruptedException {
        try (WatchService service = FileSystems.getDefault().newWatchService()) {
            registerTree(service, sources);
            startRound(System.nanoTime(), "start");
            while (true) {
                WatchKey key = service.take();
                long changedAt = System.nanoTime();
                String changed = drain(service, key);
                // Debounce: an editor's save is often several events (write, rename, chmod); wait for a quiet moment.
                for (WatchKey more; (more = service.poll(debounceMs, TimeUnit.MILLISECONDS)) != null; ) {
                    String also = drain(service, more);
                    if (changed == null) {
                        changed = also;
                    }
                }
                if (changed != null) {
                    startRound(changedAt, changed);
                }
            }
        }
    }

    /** The first changed .java file the key reports (null if none), registering new folders on the way. */
    private @Nullable String drain(WatchService service, WatchKey key) throws IOException {
        String changed = null;
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (!(event.context() instanceof Path name)) {
                changed = "src/main/java"; // OVERFLOW: something changed, we do not know what
                continue;
            }
            Path path = dir.resolve(name);
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(path)) {
                registerTree(service, path);
                changed = sources.relativize(path).toString();
            } else if (name.toString().endsWith(".java") && changed == null) {
                changed = sources.relativize(path).toString();
            }
        }
        key.reset();
        return changed;
    }

    private static void registerTree(WatchService service, Path root) throws IOException {
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                d.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            }
        }
    }

    private void startRound(long changedAt, String why) throws InterruptedException {
        Thread previous = current;
        if (previous != null) {
            rounds.cancel();
            previous.join();
        }
        if (!why.equals("start")) {
            print("\n" + why + " changed: grading again...");
        }
        current = Thread.ofPlatform().name("round").daemon().start(() -> {
            try {
                LearnerRounds.Outcome outcome = rounds.run(null, true);
                if (!(outcome instanceof LearnerRounds.Outcome.Cancelled)) {
                    show(outcome, (System.nanoTime() - changedAt) / 1_000_000);
                }
            } catch (IOException | RuntimeException e) {
                print("could not grade: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void show(LearnerRounds.Outcome outcome, long ms) {
        StringBuilder text = new StringBuilder();
        if (terminal) {
            text.append("\033[H\033[2J"); // clear the screen: only the latest round matters
        }
        String when = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        text.append("── ").append(display).append(" · ").append(when)
                .append(String.format(" · graded in %.1f s (compile %.1f s)%n", ms / 1000.0, rounds.compileMs() / 1000.0));
        switch (outcome) {
            case LearnerRounds.Outcome.CompileError e -> text.append("Your code does not compile (0 points until it does):\n")
                    .append(indent(firstLines(e.diagnostics(), 30)));
            case LearnerRounds.Outcome.Broken b -> text.append("The suite could not run: ").append(b.why()).append('\n');
            case LearnerRounds.Outcome.Graded g -> describe(g.results(), text);
            case LearnerRounds.Outcome.Cancelled c -> {
                return;
            }
        }
        text.append("\nwatching ").append(display).append("/src/main/java: save a file to grade again; Ctrl-C quits.");
        print(text.toString());
    }

    static void describe(Results.Exercise results, StringBuilder text) {
        List<Results.Test> tests = results.tests();
        long passed = tests.stream().filter(Results.Test::passed).count();
        Optional<Results.Test> next = tests.stream().filter(t -> !t.passed()).findFirst();
        if (next.isEmpty()) {
            text.append(String.format("All %d tests pass: %d/%d. Well done.%n", tests.size(), results.score(),
                    results.maxScore()));
            return;
        }
        Results.Test t = next.get();
        text.append(String.format("Score so far: %d/%d (%d of %d tests pass; the rest run once this one does)%n",
                results.score(), results.maxScore(), passed, tests.size()));
        text.append("Next failing test");
        if (t.taskId() != null) {
            text.append(" (task ").append(t.taskId()).append(')');
        }
        text.append(": ").append(t.name()).append('\n');
        if (t.notImplemented()) {
            text.append("  not implemented yet: the method it calls still throws the skeleton's"
                    + " UnsupportedOperationException(\"TODO ...\")\n");
        } else if (t.message() != null) {
            text.append(indent(firstLines(t.message(), 15)));
        }
        if (t.hint() != null) {
            text.append("  hint: ").append(t.hint()).append('\n');
        }
    }

    private synchronized void print(String text) {
        out.println(text);
    }

    static String firstLines(String s, int n) {
        List<String> lines = s.strip().lines().toList();
        return lines.size() <= n ? String.join("\n", lines)
                : String.join("\n", lines.subList(0, n)) + "\n… (" + (lines.size() - n) + " more lines)";
    }

    static String indent(String s) {
        StringBuilder b = new StringBuilder();
        s.lines().forEach(l -> b.append("  ").append(l).append('\n'));
        return b.toString();
    }
}
