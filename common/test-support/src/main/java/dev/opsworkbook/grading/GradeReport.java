package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    public Map<String, Object> build(List<String> slugs) throws IOException {
        List<Object> entries = new ArrayList<>();
        long score = 0;
        long max = 0;
        for (String slug : slugs) {
            Map<String, Object> entry = entry(slug);
            score += ((Number) entry.get("score")).longValue();
            max += ((Number) entry.get("max_score")).longValue();
            entries.add(entry);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("version", 1);
        report.put("graded", mode);
        report.put("task", task);
        report.put("score", score);
        report.put("max_score", max);
        report.put("exercises", entries);
        return report;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> entry(String slug) throws IOException {
        Path results = root.resolve(mode).resolve(slug).resolve("target/grading/results.json");
        if (!Files.isRegularFile(results)) {
            return buildError(slug);
        }
        Map<String, Object> entry = new LinkedHashMap<>((Map<String, Object>) Json.parse(
                Files.readString(results, StandardCharsets.UTF_8)));
        entry.put("slug", slug);
        long max = ((Number) entry.get("max_score")).longValue();
        if (task == null && max != EXERCISE_POINTS) {
            // The expected-inventory rule: removing or disabling tests cannot raise the percentage.
            entry.put("status", "error");
            entry.put("message", "the suite holds tests worth " + max + " points, but every exercise is worth "
                    + EXERCISE_POINTS + ": were tests removed, renamed or disabled? Restore src/test/java from the"
                    + " original exercise. Graded out of " + EXERCISE_POINTS + ".");
            entry.put("max_score", Math.max(max, EXERCISE_POINTS));
        }
        return entry;
    }

    private Map<String, Object> buildError(String slug) {
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
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("version", 3);
        entry.put("slug", slug);
        entry.put("status", "error");
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
        entry.put("message", message);
        entry.put("score", 0);
        entry.put("max_score", task == null ? EXERCISE_POINTS : 0);
        entry.put("tests", List.of());
        return entry;
    }

    /** The human scoreboard. */
    @SuppressWarnings("unchecked")
    public static String scoreboard(Map<String, Object> report) {
        StringBuilder out = new StringBuilder();
        String graded = "solutions".equals(report.get("graded")) ? "reference solutions (solutions/)"
                : "your code (exercises/)";
        out.append("Ops Workbook grading: ").append(graded);
        if (report.get("task") != null) {
            out.append(", task ").append(report.get("task")).append(" only");
        }
        out.append("\n\n");
        for (Object o : (List<Object>) report.get("exercises")) {
            Map<String, Object> e = (Map<String, Object>) o;
            List<Map<String, Object>> tests = (List<Map<String, Object>>) (List<?>) e.get("tests");
            out.append(String.format("%-32s %4s/%-4s %s%n", e.get("slug"), e.get("score"), e.get("max_score"),
                    label(e, tests)));
            if (e.get("message") != null && !"pass".equals(e.get("status"))) {
                out.append(indent(String.valueOf(e.get("message")), "    ")).append('\n');
            }
            String section = null;
            for (Map<String, Object> t : tests) {
                if ("pass".equals(t.get("status"))) {
                    continue;
                }
                // "Section › test": print each section (a @Nested class, usually a task) once, as a heading.
                String name = String.valueOf(t.get("name"));
                int cut = name.indexOf(" › ");
                String heading = cut < 0 ? null : name.substring(0, cut);
                if (heading != null && !heading.equals(section)) {
                    out.append("  ").append(heading).append('\n');
                }
                section = heading;
                String pad = heading == null ? "  " : "    ";
                String task = t.get("task_id") == null || (heading != null && heading.toLowerCase(java.util.Locale.ROOT)
                        .startsWith("task " + t.get("task_id"))) ? "" : "[task " + t.get("task_id") + "] ";
                out.append(String.format("%s✗ %s%s  (0/%s)%n", pad, task, cut < 0 ? name : name.substring(cut + 3),
                        t.get("max_points")));
                if (Boolean.TRUE.equals(t.get("not_implemented"))) {
                    out.append(pad).append("    not implemented yet: the stub still throws UnsupportedOperationException\n");
                } else if (t.get("message") != null) {
                    out.append(indent(firstLines(String.valueOf(t.get("message")), 8), pad + "    ")).append('\n');
                }
                if (t.get("hint") != null) {
                    out.append(pad).append("    hint: ").append(t.get("hint")).append('\n');
                }
            }
        }
        out.append(String.format("%nTotal: %s/%s%n", report.get("score"), report.get("max_score")));
        return out.toString();
    }

    private static String label(Map<String, Object> e, List<Map<String, Object>> tests) {
        long passed = tests.stream().filter(t -> "pass".equals(t.get("status"))).count();
        String counts = passed + " of " + tests.size() + " tests pass";
        return switch (String.valueOf(e.get("status"))) {
            case "pass" -> "PASS  " + counts;
            case "fail" -> "FAIL  " + counts;
            default -> "ERROR " + (tests.isEmpty() ? "" : counts);
        };
    }

    /** The Markdown summary for a CI job page. */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> report) {
        StringBuilder md = new StringBuilder("## Ops Workbook grading: ")
                .append(report.get("score")).append('/').append(report.get("max_score")).append("\n\n")
                .append("| Exercise | Score | Status |\n|---|---:|---|\n");
        List<Object> exercises = (List<Object>) report.get("exercises");
        for (Object o : exercises) {
            Map<String, Object> e = (Map<String, Object>) o;
            md.append("| `").append(e.get("slug")).append("` | ").append(e.get("score")).append('/')
                    .append(e.get("max_score")).append(" | ").append(e.get("status")).append(" |\n");
        }
        for (Object o : exercises) {
            Map<String, Object> e = (Map<String, Object>) o;
            List<Map<String, Object>> failing = ((List<Map<String, Object>>) (List<?>) e.get("tests")).stream()
                    .filter(t -> !"pass".equals(t.get("status"))).toList();
            if (failing.isEmpty() && e.get("message") == null) {
                continue;
            }
            md.append("\n<details><summary><code>").append(e.get("slug")).append("</code>: ")
                    .append(failing.size()).append(" failing</summary>\n\n");
            if (e.get("message") != null) {
                md.append("```\n").append(e.get("message")).append("\n```\n\n");
            }
            for (Map<String, Object> t : failing) {
                md.append("- **").append(escape(String.valueOf(t.get("name")))).append("** (0/")
                        .append(t.get("max_points")).append(")");
                if (Boolean.TRUE.equals(t.get("not_implemented"))) {
                    md.append(": not implemented yet");
                } else if (t.get("message") != null) {
                    md.append(": ").append(escape(firstLines(String.valueOf(t.get("message")), 1)));
                }
                if (t.get("hint") != null) {
                    md.append("<br>_hint:_ ").append(escape(String.valueOf(t.get("hint"))));
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
        Map<String, Object> report = new GradeReport(root, mode, task, mavenLog).build(slugs);
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
        if (minScore != null && ((Number) report.get("score")).longValue() < minScore) {
            out.println("Score " + report.get("score") + " is below --min-score " + minScore + ".");
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
