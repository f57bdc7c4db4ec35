package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Combines the per-exercise {@code results.json} files of one grading run into the scoreboard,
 * {@code report.json} and the Markdown summary. An exercise without results (say, a compile error)
 * is reported as {@code status: error} with the compiler's messages and 0 points; the others are
 * graded as usual.
 */
public final class GradeReport {

    /** Points every exercise's suite is worth (DESIGN §4). */
    public static final int EXERCISE_POINTS = 100;

    private final Path root;
    private final String mode;
    private final @Nullable Integer task;
    private final String mavenLog;
    private final @Nullable ResultsCollector collector;

    public GradeReport(Path root, String mode, @Nullable Integer task, @Nullable String mavenLog) {
        this(root, mode, task, mavenLog, null);
    }

    /**
     * With a {@code collector}, each exercise's results file must agree with what its test JVM reported over the
     * grading channel (see {@link Tampering}); without one, the files are taken as they are.
     */
    GradeReport(Path root, String mode, @Nullable Integer task, @Nullable String mavenLog,
            @Nullable ResultsCollector collector) {
        this.root = root;
        this.mode = mode;
        this.task = task;
        this.mavenLog = mavenLog == null ? "" : mavenLog;
        this.collector = collector;
    }

    /** The combined report for {@code slugs}, in that order. */
    public Results.Report build(List<String> slugs) throws IOException {
        List<Results.Exercise> entries = new ArrayList<>();
        for (String slug : slugs) {
            entries.add(entry(slug));
        }
        return new Results.Report(Results.REPORT_FORMAT, mode, task,
                entries.stream().mapToLong(Results.Exercise::score).sum(),
                entries.stream().mapToLong(Results.Exercise::maxScore).sum(), entries);
    }

    Results.Exercise entry(String slug) throws IOException {
        // A released copy's suite must match its manifest (SuiteManifest); the original repository has none.
        String suiteModified = "exercises".equals(mode) ? SuiteManifest.modified(root, slug) : null;
        if (suiteModified != null) {
            return SuiteManifest.notGraded(slug, suiteModified, task);
        }
        return entryFromResults(slug).withFlags(SourceScan.flags(root.resolve(mode).resolve(slug)))
                .withAdvice(advice(slug));
    }

    private static final Pattern FINDING = Pattern.compile(
            "^\\[WARNING\\] (?<file>/.+?\\.java):\\[(?<line>\\d+),\\d+\\] \\[(?<check>\\w+)\\] (?<what>.*)$");

    /**
     * Error Prone's findings in the learner's own files ({@code src/main/java}; not the given types), from the
     * compiler's output: advice, not points. As "File.java:88 — what (Check)", each once, in order. Maven
     * compiles only what changed, so the findings of the last compile are kept beside the classes and shown
     * again while the code stays the same.
     */
    List<String> advice(String slug) throws IOException {
        Path target = root.resolve(mode).resolve(slug).resolve("target");
        Path kept = target.resolve("static-analysis-advice.txt");
        String artifact = mode.equals("solutions") ? slug + "-solution" : slug;
        if (!mavenLog.contains("(default-compile) @ " + artifact + " ---") || compileSkipped(artifact)) {
            return Files.isRegularFile(kept) ? Files.readAllLines(kept, StandardCharsets.UTF_8) : List.of();
        }
        String own = "/" + mode + "/" + slug + "/src/main/java/";
        record Finding(String file, int line, String text) {
        }
        Set<Finding> findings = new LinkedHashSet<>();
        for (String line : mavenLog.split("\\R", -1)) {
            Matcher m = FINDING.matcher(line);
            if (m.matches() && m.group("file").contains(own)) {
                String file = m.group("file").substring(m.group("file").lastIndexOf('/') + 1);
                int at = Integer.parseInt(m.group("line"));
                findings.add(new Finding(file, at, file + ":" + at + " — " + m.group("what").strip() + " ("
                        + m.group("check") + ")"));
            }
        }
        // In the order of the files and lines, as a reviewer reads them (javac reports them as it finds them).
        List<String> advice = findings.stream()
                .sorted(Comparator.comparing(Finding::file).thenComparingInt(Finding::line))
                .map(Finding::text).toList();
        if (Files.isDirectory(target)) {
            Files.write(kept, advice, StandardCharsets.UTF_8);
        }
        return advice;
    }

    /** Whether this build found the main classes of {@code artifact} up to date (no compile, no findings). */
    private boolean compileSkipped(String artifact) {
        int at = mavenLog.indexOf("(default-compile) @ " + artifact + " ---");
        int next = mavenLog.indexOf("[INFO] ---", at + 1);
        String section = mavenLog.substring(at, next < 0 ? mavenLog.length() : next);
        return section.contains("Nothing to compile");
    }

    private Results.Exercise entryFromResults(String slug) throws IOException {
        Path results = root.resolve(mode).resolve(slug).resolve("target/grading/results.json");
        Results.@Nullable Exercise file = null;
        boolean garbled = false;
        if (Files.isRegularFile(results)) {
            try {
                file = Json.readExercise(Files.readString(results, StandardCharsets.UTF_8)).withSlug(slug);
            } catch (IllegalArgumentException | ClassCastException e) {
                garbled = true; // without a channel, a garbled file counts as a missing one
            }
        }
        if (collector != null) {
            ResultsCollector.Stream stream = collector.stream(slug);
            if (stream == null && file == null && !garbled) {
                return buildError(slug); // nothing ran: a compile error, or the build stopped earlier
            }
            String why = garbled ? "the results file is no longer valid JSON" : Tampering.disagreement(file, stream);
            if (why != null) {
                return Tampering.tampered(slug, stream, why, task == null ? EXERCISE_POINTS : 0);
            }
        }
        if (file == null) {
            return buildError(slug);
        }
        Results.Exercise entry = file;
        long max = entry.maxScore();
        if (task == null && max != EXERCISE_POINTS) {
            // The expected-inventory rule: removing or disabling tests cannot raise the percentage.
            entry = entry.asError("the suite holds tests worth " + max + " points, but every exercise is worth "
                    + EXERCISE_POINTS + ": were tests removed, renamed or disabled? Restore src/test/java from the"
                    + " original exercise. Graded out of " + EXERCISE_POINTS + ".", Math.max(max, EXERCISE_POINTS));
        }
        return entry;
    }

    private Results.Exercise buildError(String slug) {
        String modulePath = "/" + mode + "/" + slug + "/";
        Set<String> compiler = new LinkedHashSet<>();
        List<String> other = new ArrayList<>();
        for (String line : mavenLog.split("\\R", -1)) {
            if (!line.startsWith("[ERROR]")) {
                continue;
            }
            String text = line.substring("[ERROR]".length()).strip();
            int at = text.indexOf(modulePath);
            if (at >= 0 && text.matches(".*\\.java:\\[\\d+,\\d+].*")) {
                compiler.add(text.substring(at + 1)); // path relative to the repository root
            } else if (text.contains(slug) && other.size() < 5) {
                other.add(text);
            }
        }
        String message;
        if (!compiler.isEmpty()) {
            message = "compilation failed:\n" + String.join("\n", compiler);
        } else if (other.isEmpty() && mavenLog.contains("BUILD SUCCESS")) {
            message = "no graded test ran: is the suite in " + mode + "/" + slug + "/src/test/java"
                    + (task == null ? "" : ", and does it have tests tagged task:" + task) + "?";
        } else {
            message = "no test results: the build stopped before the tests ran"
                    + (other.isEmpty() ? "" : ":\n" + String.join("\n", other));
        }
        return new Results.Exercise(Results.EXERCISE_FORMAT, slug, Results.ERROR, message, 0,
                task == null ? EXERCISE_POINTS : 0, List.of());
    }

    /** The human scoreboard. */
    public static String scoreboard(Results.Report report) {
        StringBuilder out = new StringBuilder();
        String graded = "solutions".equals(report.graded()) ? "reference solutions (solutions/)"
                : "your code (exercises/)";
        out.append("Ops Workbook grading: ").append(graded);
        if (report.task() != null) {
            out.append(", task ").append(report.task()).append(" only");
        }
        out.append("\n\n");
        for (Results.Exercise e : report.exercises()) {
            out.append(String.format("%-32s %4s/%-4s %s%n", e.slug(), e.score(), e.maxScore(), label(e)));
            if (e.message() != null && !Results.PASS.equals(e.status())) {
                out.append(indent(e.message(), "    ")).append('\n');
            }
            if (!e.flags().isEmpty()) {
                out.append("  flagged for review (no points taken): the code reaches for the grader\n");
                e.flags().forEach(f -> out.append("    ").append(f).append('\n'));
            }
            e.advice().forEach(a -> out.append("  advice: ").append(a).append('\n'));
            String section = null;
            for (Results.Test t : e.tests()) {
                if (t.passed()) {
                    continue;
                }
                // "Section › test": print each section (a @Nested class, usually a task) once, as a heading.
                String name = String.valueOf(t.name());
                int cut = name.indexOf(" › ");
                String heading = cut < 0 ? null : name.substring(0, cut);
                if (heading != null && !heading.equals(section)) {
                    out.append("  ").append(heading).append('\n');
                }
                section = heading;
                String pad = heading == null ? "  " : "    ";
                String task = t.taskId() == null || (heading != null && heading.toLowerCase(java.util.Locale.ROOT)
                        .startsWith("task " + t.taskId())) ? "" : "[task " + t.taskId() + "] ";
                out.append(String.format("%s✗ %s%s  (0/%s)%n", pad, task, cut < 0 ? name : name.substring(cut + 3),
                        t.maxPoints()));
                if (t.notImplemented()) {
                    out.append(pad).append("    not implemented yet: the stub still throws UnsupportedOperationException\n");
                } else if (t.message() != null) {
                    out.append(indent(firstLines(t.message(), 8), pad + "    ")).append('\n');
                }
                if (t.hint() != null) {
                    out.append(pad).append("    hint: ").append(t.hint()).append('\n');
                }
            }
        }
        out.append(String.format("%nTotal: %s/%s%n", report.score(), report.maxScore()));
        return out.toString();
    }

    private static String label(Results.Exercise e) {
        List<Results.Test> tests = e.tests();
        long passed = tests.stream().filter(Results.Test::passed).count();
        String counts = passed + " of " + tests.size() + " tests pass";
        return switch (String.valueOf(e.status())) {
            case "pass" -> "PASS  " + counts;
            case "fail" -> "FAIL  " + counts;
            default -> "ERROR " + (tests.isEmpty() ? "" : counts);
        };
    }

    /** The Markdown summary for a CI job page. */
    public static String markdown(Results.Report report) {
        StringBuilder md = new StringBuilder("## Ops Workbook grading: ")
                .append(report.score()).append('/').append(report.maxScore()).append("\n\n")
                .append("| Exercise | Score | Status |\n|---|---:|---|\n");
        for (Results.Exercise e : report.exercises()) {
            md.append("| `").append(e.slug()).append("` | ").append(e.score()).append('/')
                    .append(e.maxScore()).append(" | ").append(e.status())
                    .append(e.flags().isEmpty() ? "" : ", flagged for review").append(" |\n");
        }
        for (Results.Exercise e : report.exercises()) {
            List<Results.Test> failing = e.tests().stream().filter(t -> !t.passed()).toList();
            if (failing.isEmpty() && e.message() == null && e.flags().isEmpty() && e.advice().isEmpty()) {
                continue;
            }
            md.append("\n<details><summary><code>").append(e.slug()).append("</code>: ")
                    .append(failing.size()).append(" failing</summary>\n\n");
            if (e.message() != null) {
                md.append("```\n").append(e.message()).append("\n```\n\n");
            }
            for (String flag : e.flags()) {
                md.append("- flagged for review: ").append(escape(flag)).append('\n');
            }
            for (String advice : e.advice()) {
                md.append("- advice: ").append(escape(advice)).append('\n');
            }
            for (Results.Test t : failing) {
                md.append("- **").append(escape(String.valueOf(t.name()))).append("** (0/")
                        .append(t.maxPoints()).append(")");
                if (t.notImplemented()) {
                    md.append(": not implemented yet");
                } else if (t.message() != null) {
                    md.append(": ").append(escape(firstLines(t.message(), 1)));
                }
                if (t.hint() != null) {
                    md.append("<br>_hint:_ ").append(escape(t.hint()));
                }
                md.append('\n');
            }
            md.append("\n</details>\n");
        }
        return md.toString();
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ");
    }

    private static String firstLines(String s, int n) {
        String[] lines = s.split("\\R");
        if (lines.length <= n) {
            return s.strip();
        }
        return String.join("\n", java.util.Arrays.copyOf(lines, n)) + "\n…";
    }

    private static String indent(String s, String prefix) {
        return prefix + s.strip().replace("\n", "\n" + prefix);
    }

    /**
     * {@code report --root DIR --mode exercises|solutions [--task N] [--maven-log F] --json F --markdown F
     * [--min-score N] SLUG... [-- COMMAND...]}: with a command (the grading build), runs it under a results
     * collector first, and checks every results file against what the test JVMs reported.
     */
    static int report(List<String> args, PrintStream out) throws IOException {
        Path root = Path.of(".");
        String mode = "exercises";
        @Nullable Integer task = null;
        @Nullable Path log = null;
        @Nullable Path json = null;
        @Nullable Path md = null;
        @Nullable Long minScore = null;
        List<String> slugs = new ArrayList<>();
        List<String> command = List.of();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                command = args.subList(i + 1, args.size());
                break;
            }
            switch (a) {
                case "--root" -> root = Path.of(args.get(++i));
                case "--mode" -> mode = args.get(++i);
                case "--task" -> task = Integer.valueOf(args.get(++i));
                case "--maven-log" -> log = Path.of(args.get(++i));
                case "--json" -> json = Path.of(args.get(++i));
                case "--markdown" -> md = Path.of(args.get(++i));
                case "--min-score" -> minScore = Long.valueOf(args.get(++i));
                default -> slugs.add(a);
            }
        }
        Results.Report report;
        if (command.isEmpty()) {
            report = new GradeReport(root, mode, task, read(log), null).build(slugs);
        } else {
            // The grading run happens under this process's results collector; the report is made from both.
            try (ResultsCollector collector = new ResultsCollector()) {
                // The build may rewrite the kit's class files (code under test can too): load ours first.
                preloadGradingClasses();
                ProcessBuilder build = new ProcessBuilder(command).inheritIO();
                build.environment().put(ResultsStream.COLLECTOR_ENV, Integer.toString(collector.port()));
                Process run = build.start();
                try {
                    run.waitFor();
                } catch (InterruptedException e) {
                    run.destroyForcibly();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while grading", e);
                }
                collector.close(); // no stream may change once the report is being made
                report = new GradeReport(root, mode, task, read(log), collector).build(slugs);
            }
        }
        out.print(scoreboard(report));
        String markdown = markdown(report);
        if (json != null) {
            write(json, Json.write(report));
            out.println("JSON report: " + json);
        }
        if (md != null) {
            write(md, markdown);
            out.println("Markdown report: " + md);
        }
        String summary = System.getenv("GITHUB_STEP_SUMMARY");
        if (summary != null && !summary.isBlank()) {
            Files.writeString(Path.of(summary), markdown + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (minScore != null && report.score() < minScore) {
            out.println("Score " + report.score() + " is below --min-score " + minScore + ".");
            return 1;
        }
        return 0;
    }

    /** Loads every class of this package now, so none can be swapped on disk before the report is made. */
    private static void preloadGradingClasses() throws IOException {
        Path classes;
        try {
            classes = Path.of(GradeReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return;
        }
        Path dir = classes.resolve(GradeReport.class.getPackageName().replace('.', '/'));
        if (!Files.isDirectory(dir)) {
            return; // running from a jar: its entries are read when opened, and the jar is not the build's output
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = f.getFileName().toString();
                try {
                    Class.forName(GradeReport.class.getPackageName() + "." + name.substring(0, name.length() - 6));
                } catch (ClassNotFoundException | LinkageError e) {
                    // a class that needs JUnit (the listener, the runner): the report never uses it
                }
            }
        }
    }

    private static String read(@Nullable Path log) throws IOException {
        return log != null && Files.isRegularFile(log) ? Files.readString(log) : "";
    }

    private static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
