package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
    private final Integer task;
    private final String mavenLog;

    public GradeReport(Path root, String mode, Integer task, String mavenLog) {
        this.root = root;
        this.mode = mode;
        this.task = task;
        this.mavenLog = mavenLog == null ? "" : mavenLog;
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
        Path results = root.resolve(mode).resolve(slug).resolve("target/grading/results.json");
        if (!Files.isRegularFile(results)) {
            return buildError(slug);
        }
        Results.Exercise entry = Json.readExercise(Files.readString(results, StandardCharsets.UTF_8)).withSlug(slug);
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
        for (String line : mavenLog.split("\\R")) {
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
                    .append(e.maxScore()).append(" | ").append(e.status()).append(" |\n");
        }
        for (Results.Exercise e : report.exercises()) {
            List<Results.Test> failing = e.tests().stream().filter(t -> !t.passed()).toList();
            if (failing.isEmpty() && e.message() == null) {
                continue;
            }
            md.append("\n<details><summary><code>").append(e.slug()).append("</code>: ")
                    .append(failing.size()).append(" failing</summary>\n\n");
            if (e.message() != null) {
                md.append("```\n").append(e.message()).append("\n```\n\n");
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
     * [--min-score N] SLUG...}.
     */
    static int report(List<String> args, PrintStream out) throws IOException {
        Path root = Path.of(".");
        String mode = "exercises";
        Integer task = null;
        Path log = null;
        Path json = null;
        Path md = null;
        Long minScore = null;
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
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
        String mavenLog = log != null && Files.isRegularFile(log) ? Files.readString(log) : "";
        Results.Report report = new GradeReport(root, mode, task, mavenLog).build(slugs);
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

    private static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
