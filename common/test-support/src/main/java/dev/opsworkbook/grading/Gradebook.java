package dev.opsworkbook.grading;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@code scripts/gradebook.sh}: grades every submission folder of a class (each a released copy, or a per-exercise
 * repository) and writes {@code gradebook.csv} and {@code gradebook.html}, one row per student (the folder's name).
 *
 * <p>Each submission is graded in isolation: a fresh copy of it (without any build output it came with) in a work
 * folder of its own, by its own {@code scripts/grade.sh}, in a process tree that is killed whole when it runs past
 * the time limit. So one submission's crash, hang or {@code System.exit} is recorded in its row and touches no other.
 * Before anything of it runs, its grading suite is checked with this (the instructor's) kit against the manifest
 * given with {@code --manifest}, or else the submission's own: an exercise whose suite differs is not run and shows
 * as an error cell; a submission without a manifest is not run at all. Submissions run {@code --jobs} at a time and
 * share the local Maven repository (Maven runs offline, so nothing is downloaded again), and the grading kit compiled
 * here is copied into each one whose kit sources are the same as this one's, which saves compiling it per student.
 */
final class Gradebook {
    /** What a cell holds when the exercise was not scored. */
    static final String ERROR = "error";
    static final String TIMEOUT = "timeout";
    static final String CRASHED = "crashed";

    /** One student's result for one exercise: points, or one of the words above, and why. */
    record Cell(@Nullable Long points, long maxPoints, String status, @Nullable String message) {
        String csv() {
            return points != null ? Long.toString(points) : status;
        }
    }

    /** One row: the student, a cell per exercise, and notes on the whole submission. */
    record Row(String student, Map<String, Cell> cells, String notes) {
        long total() {
            return cells.values().stream().mapToLong(c -> c.points() == null ? 0 : c.points()).sum();
        }
    }

    private final Path kitRoot;
    private final Path out;
    private final int timeoutSeconds;
    private final @Nullable Path manifest;

    Gradebook(Path kitRoot, Path out, int timeoutSeconds, @Nullable Path manifest) {
        this.kitRoot = kitRoot;
        this.out = out;
        this.timeoutSeconds = timeoutSeconds;
        this.manifest = manifest;
    }

    /**
     * {@code gradebook --kit-root DIR --out DIR [--jobs N] [--timeout S] [--manifest FILE] SUBMISSIONS_DIR}.
     */
    static int run(List<String> args, PrintStream console) throws IOException {
        Path kitRoot = Path.of(".");
        Path out = Path.of("gradebook");
        int jobs = 2;
        int timeout = 600;
        @Nullable Path manifest = null;
        @Nullable Path submissions = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--kit-root" -> kitRoot = Path.of(args.get(++i));
                case "--out" -> out = Path.of(args.get(++i));
                case "--jobs" -> jobs = Integer.parseInt(args.get(++i));
                case "--timeout" -> timeout = Integer.parseInt(args.get(++i));
                case "--manifest" -> manifest = Path.of(args.get(++i));
                default -> submissions = Path.of(args.get(i));
            }
        }
        if (submissions == null) {
            console.println("usage: gradebook --out DIR [--jobs N] [--timeout S] [--manifest FILE] SUBMISSIONS_DIR");
            return 2;
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(submissions)) {
            folders = list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        Files.createDirectories(out);
        Gradebook book = new Gradebook(kitRoot.toAbsolutePath(), out.toAbsolutePath(), timeout, manifest);
        List<Row> rows;
        try {
            rows = book.gradeAll(folders, jobs, console);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while grading", e);
        }
        Files.writeString(out.resolve("gradebook.csv"), csv(rows), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("gradebook.html"), html(rows, timeout), StandardCharsets.UTF_8);
        console.println();
        console.print(table(rows));
        console.println("\nGradebook: " + out.resolve("gradebook.csv") + " and " + out.resolve("gradebook.html"));
        return 0;
    }

    List<Row> gradeAll(List<Path> folders, int jobs, PrintStream console) throws InterruptedException, IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        try {
            List<Future<Row>> rows = new ArrayList<>();
            for (Path folder : folders) {
                rows.add(pool.submit(() -> {
                    long started = System.nanoTime();
                    Row row = grade(folder);
                    synchronized (console) {
                        console.printf("  %-24s %-28s (%d s)%n", row.student(), summary(row),
                                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                    }
                    return row;
                }));
            }
            List<Row> done = new ArrayList<>();
            for (Future<Row> f : rows) {
                try {
                    done.add(f.get());
                } catch (ExecutionException e) {
                    throw new IOException("the gradebook itself failed", e.getCause());
                }
            }
            return done;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Grades one submission in a fresh copy of its own; never throws for what the submission does. */
    Row grade(Path folder) throws IOException, InterruptedException {
        String student = folder.getFileName().toString();
        Path work = out.resolve("work").resolve(student);
        Path log = out.resolve("logs").resolve(student + ".log");
        Path report = out.resolve("reports").resolve(student + ".json");
        LearnerRounds.deleteTree(work);
        Files.deleteIfExists(report);
        Files.createDirectories(log.getParent());
        Files.createDirectories(report.getParent());
        copySubmission(folder, work);

        List<String> slugs = exercises(work);
        Map<String, Cell> cells = new LinkedHashMap<>();
        Path manifestFile = manifest != null ? manifest : work.resolve(SuiteManifest.FILE);
        if (!Files.isRegularFile(manifestFile)) {
            String why = "no " + SuiteManifest.FILE + " in the submission: its suite cannot be checked, so it was not"
                    + " run (was the file deleted?)";
            slugs.forEach(s -> cells.put(s, new Cell(null, GradeReport.EXERCISE_POINTS, ERROR, why)));
            return new Row(student, cells, why);
        }
        Map<String, String> expected = SuiteManifest.read(manifestFile);
        Map<String, String> modified = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (String slug : slugs) {
            String differs = SuiteManifest.firstDifference(work, slug, expected);
            if (differs != null) {
                modified.put(slug, differs);
                notes.add(slug + ": " + SuiteManifest.MODIFIED + ": " + differs);
            }
        }
        if (slugs.isEmpty()) {
            notes.add("no exercises/*/pom.xml: not a released copy");
        }
        // A modified kit, root POM or grade.sh decides every exercise's grade: then nothing of the submission runs.
        // Otherwise its grade.sh runs on every exercise, and leaves out (and reports) the modified ones itself.
        boolean shared = modified.values().stream().anyMatch(f -> !f.startsWith("exercises/"));
        if (!slugs.isEmpty() && !shared) {
            seedKit(work);
            List<String> command = new ArrayList<>(List.of("bash", work.resolve("scripts/grade.sh").toString(),
                    "--json", report.toString(), "--markdown", report.resolveSibling(student + ".md").toString()));
            command.addAll(slugs);
            Outcome outcome = runLimited(command, work, log);
            Results.@Nullable Report graded = null;
            if (outcome != Outcome.TIMED_OUT && Files.isRegularFile(report)) {
                try {
                    graded = Json.readReport(Files.readString(report, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException | ClassCastException e) {
                    graded = null; // an unreadable report is a crash of the grading run
                }
            }
            for (String slug : slugs) {
                cells.put(slug, cell(slug, graded, outcome, log));
            }
            if (outcome == Outcome.TIMED_OUT) {
                notes.add("grading did not finish within " + timeoutSeconds + " s: stopped, its processes killed");
            } else if (graded == null) {
                notes.add("grading crashed before writing its report: " + lastLine(log));
            }
        }
        // What this kit found modified is an error whatever the submission's own grade.sh said.
        modified.forEach((slug, file) -> cells.put(slug, new Cell(null, GradeReport.EXERCISE_POINTS, ERROR,
                SuiteManifest.MODIFIED + ": " + file)));
        // Columns in a stable order whatever order the checks filled them in.
        Map<String, Cell> ordered = new LinkedHashMap<>();
        slugs.forEach(s -> ordered.put(s, Objects.requireNonNull(cells.get(s))));
        return new Row(student, ordered, String.join("; ", notes));
    }

    private Cell cell(String slug, Results.@Nullable Report graded, Outcome outcome, Path log) throws IOException {
        if (outcome == Outcome.TIMED_OUT) {
            return new Cell(null, GradeReport.EXERCISE_POINTS, TIMEOUT, "grading did not finish within "
                    + timeoutSeconds + " s");
        }
        if (graded == null) {
            return new Cell(null, GradeReport.EXERCISE_POINTS, CRASHED, lastLine(log));
        }
        for (Results.Exercise e : graded.exercises()) {
            if (e.slug().equals(slug)) {
                return Results.ERROR.equals(e.status())
                        ? new Cell(null, e.maxScore(), ERROR, e.message())
                        : new Cell(e.score(), e.maxScore(), e.status(), null);
            }
        }
        return new Cell(null, GradeReport.EXERCISE_POINTS, CRASHED, "missing from the report");
    }

    enum Outcome { FINISHED, TIMED_OUT }

    /** {@code setsid}, where there is one (Linux): a submission then runs in a session, a process group, of its own. */
    private static final @Nullable Path SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(Files::isExecutable).findFirst().orElse(null);

    /**
     * Runs {@code command} in {@code dir}, its output in {@code log}; past the time limit, kills it and every process
     * it started (Maven, the test JVMs, and what the code under test spawned, even once its parent is gone: they
     * stay in the process group). Whatever of the submission is still running when it ends is killed too.
     */
    private Outcome runLimited(List<String> command, Path dir, Path log) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (SETSID != null) {
            argv.add(SETSID.toString()); // started by a JVM it is no group leader, so setsid(2) runs in place: pgid = pid
        }
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("GITHUB_STEP_SUMMARY");
        Process p = pb.start();
        try {
            return p.waitFor(timeoutSeconds, TimeUnit.SECONDS) ? Outcome.FINISHED : Outcome.TIMED_OUT;
        } finally {
            List<ProcessHandle> tree = p.descendants().toList();
            if (SETSID != null) {
                killGroup(p.pid());
            }
            killTree(p.toHandle());
            for (ProcessHandle h : tree) {
                killTree(h);
            }
        }
    }

    /** SIGKILL to every process of the group {@code pgid} (those whose parent died included). */
    private static void killGroup(long pgid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        kill.waitFor(); // non-zero when no process is left in the group: nothing to do
    }

    /** Kills {@code root} and its descendants, again until none is left (a dying parent may still fork). */
    static void killTree(ProcessHandle root) {
        for (int round = 0; round < 50; round++) {
            List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
            if (root.isAlive()) {
                tree.add(root);
            }
            if (tree.isEmpty()) {
                return;
            }
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : tree) {
                h.onExit().completeOnTimeout(h, 2, TimeUnit.SECONDS).join();
            }
        }
    }

    /** The exercise slugs of a released copy, in order. */
    private static List<String> exercises(Path root) throws IOException {
        Path dir = root.resolve("exercises");
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> Files.isRegularFile(p.resolve("pom.xml")))
                    .map(p -> p.getFileName().toString()).sorted().collect(java.util.stream.Collectors.toList());
        }
    }

    /** Copies a submission without any build output or VCS data it came with: those are rebuilt, never trusted. */
    private static void copySubmission(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path rel = from.relativize(f);
                boolean skipped = false;
                for (Path part : rel) {
                    String name = part.toString();
                    skipped |= name.equals("target") || name.equals(".git");
                }
                if (skipped || Files.isSymbolicLink(f)) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static final List<String> KIT = List.of("common/test-support/pom.xml", "common/test-support/src/main");

    /**
     * Copies this kit's compiled classes into {@code work} when its kit sources are the same as ours, so that its
     * grade.sh finds the kit built; Maven's record of the compiled sources names them by absolute path, so those
     * paths are rewritten. Anything else (a different kit, no build here) leaves the copy to compile its own.
     */
    private void seedKit(Path work) throws IOException {
        Path ourTarget = kitRoot.resolve("common/test-support/target");
        if (!Files.isDirectory(ourTarget.resolve("classes")) || !Files.isDirectory(ourTarget.resolve("maven-status"))
                || !kitHashes(kitRoot).equals(kitHashes(work))) {
            return;
        }
        Path theirTarget = work.resolve("common/test-support/target");
        String ourKit = kitRoot.resolve("common/test-support").toString();
        String theirKit = work.resolve("common/test-support").toString();
        for (String part : List.of("classes", "generated-sources", "maven-status")) {
            Path from = ourTarget.resolve(part);
            if (!Files.isDirectory(from)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.toList()) {
                    Path target = theirTarget.resolve(ourTarget.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else if (f.toString().endsWith(".lst")) {
                        Files.writeString(target, Files.readString(f, StandardCharsets.UTF_8).replace(ourKit, theirKit),
                                StandardCharsets.UTF_8);
                    } else {
                        Files.copy(f, target); // a new modification time: newer than the copied sources
                    }
                }
            }
        }
    }

    private static Map<String, String> kitHashes(Path root) throws IOException {
        Map<String, String> kit = new LinkedHashMap<>();
        SuiteManifest.hash(root, List.of()).forEach((path, hash) -> {
            if (KIT.stream().anyMatch(k -> path.equals(k) || path.startsWith(k + "/"))) {
                kit.put(path, hash);
            }
        });
        return kit;
    }

    private static String lastLine(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "no output";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                .toList();
        return lines.isEmpty() ? "no output" : lines.getLast().strip();
    }

    // ---- output ----

    private static List<String> columns(List<Row> rows) {
        TreeSet<String> slugs = new TreeSet<>();
        rows.forEach(r -> slugs.addAll(r.cells().keySet()));
        return List.copyOf(slugs);
    }

    private static long maxTotal(Row row) {
        return row.cells().values().stream().mapToLong(Cell::maxPoints).sum();
    }

    private static String summary(Row row) {
        StringBuilder s = new StringBuilder(row.total() + "/" + maxTotal(row));
        row.cells().forEach((slug, c) -> s.append("  ").append(slug, 0, Math.min(4, slug.length())).append(' ')
                .append(c.csv()));
        return s.toString();
    }

    /** {@code student,EXERCISE...,total,max,notes}: points, or error/timeout/crashed; an empty cell: not submitted. */
    static String csv(List<Row> rows) {
        List<String> columns = columns(rows);
        StringBuilder csv = new StringBuilder("student");
        columns.forEach(c -> csv.append(',').append(c));
        csv.append(",total,max,notes\n");
        for (Row row : rows) {
            csv.append(csvField(row.student()));
            for (String c : columns) {
                Cell cell = row.cells().get(c);
                csv.append(',').append(cell == null ? "" : cell.csv());
            }
            csv.append(',').append(row.total()).append(',').append(maxTotal(row)).append(',')
                    .append(csvField(row.notes())).append('\n');
        }
        return csv.toString();
    }

    private static String csvField(String s) {
        return s.matches("[^,\"\\r\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String table(List<Row> rows) {
        List<String> columns = columns(rows);
        StringBuilder t = new StringBuilder(String.format("%-24s", "student"));
        columns.forEach(c -> t.append(String.format(" %8s", c.substring(0, Math.min(4, c.length())))));
        t.append(String.format(" %9s%n", "total"));
        for (Row row : rows) {
            t.append(String.format("%-24s", row.student()));
            for (String c : columns) {
                Cell cell = row.cells().get(c);
                t.append(String.format(" %8s", cell == null ? "-" : cell.csv()));
            }
            t.append(String.format(" %9s%n", row.total() + "/" + maxTotal(row)));
        }
        return t.toString();
    }

    /** A self-contained page: one table, inline CSS, no script; an error cell's reason in its tooltip and notes. */
    static String html(List<Row> rows, int timeoutSeconds) {
        List<String> columns = columns(rows);
        StringBuilder h = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Ops Workbook gradebook</title>
                <style>
                body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
                table { border-collapse: collapse; }
                th, td { border: 1px solid #ccc; padding: .3em .7em; text-align: right; }
                th { background: #f0f0f0; } td.student, td.notes { text-align: left; }
                td.notes { color: #555; max-width: 40em; }
                .pass { background: #e3f5e1; } .fail { background: #fff7d6; }
                .error, .timeout, .crashed { background: #fbe0e0; font-weight: bold; }
                </style></head><body>
                <h1>Ops Workbook gradebook</h1>
                """);
        h.append("<p>").append(rows.size()).append(" submissions; each graded in a copy of its own, stopped after ")
                .append(timeoutSeconds).append(" s. <code>error</code>: not scored (suite modified, compile error,"
                        + " tampering); <code>timeout</code>, <code>crashed</code>: the grading run did not finish."
                        + " Hover over a cell for the reason.</p>\n<table>\n<tr><th>student</th>");
        columns.forEach(c -> h.append("<th>").append(escape(c)).append("</th>"));
        h.append("<th>total</th><th>notes</th></tr>\n");
        for (Row row : rows) {
            h.append("<tr><td class=\"student\">").append(escape(row.student())).append("</td>");
            for (String c : columns) {
                Cell cell = row.cells().get(c);
                if (cell == null) {
                    h.append("<td>–</td>");
                    continue;
                }
                h.append("<td class=\"").append(escape(cell.status())).append('"');
                if (cell.message() != null) {
                    h.append(" title=\"").append(escape(cell.message())).append('"');
                }
                h.append('>').append(escape(cell.csv())).append("</td>");
            }
            h.append("<td>").append(row.total()).append('/').append(maxTotal(row)).append("</td><td class=\"notes\">")
                    .append(escape(row.notes())).append("</td></tr>\n");
        }
        return h.append("</table>\n</body></html>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
