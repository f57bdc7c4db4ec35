package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/release.sh and scripts/gradebook.sh, run as an instructor runs them, on ONE released exercise (ex04, a
 * suite of a few seconds) so that verify stays within its time: one release shared by every test, one gradebook run
 * over four submissions made from it. The gradebook is where Maven runs (each submission's own grade.sh).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class InstructorScriptsTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final String SLUG = "ex04-worker-pool";
    private static final String SUITE_FILE = "exercises/" + SLUG
            + "/src/test/java/dev/opsworkbook/workerpool/WorkerPoolTest.java";
    /**
     * The limit of the gradebook run that holds the hanging submission, and so what it costs. On 2 quiet cores ada
     * reaches her hang in about half of it; with both cores busy she may be cut while still compiling, which is a
     * timeout all the same. The honest submissions are graded in a run beside it with a generous limit, so a busy
     * machine cannot turn their slowness into a failure.
     */
    private static final int TIMEOUT_SECONDS = 60;
    private static final String HANG = "3599";

    @TempDir
    Path dir;

    private Path release;
    private Path repository;

    @BeforeAll
    @Timeout(300)
    void releaseOneExercise(@TempDir Path shared) throws Exception {
        release = shared.resolve("class-of-2027");
        assertThat(run(ROOT, "scripts/release.sh", release.toString(), "ex04")).startsWith("0:Released " + SLUG);
        Path repositories = shared.resolve("repositories");
        assertThat(run(ROOT, "scripts/release.sh", "--per-exercise", repositories.toString(), "ex04"))
                .startsWith("0:Released " + SLUG);
        repository = repositories.resolve(SLUG);
    }

    @AfterAll
    void noSleeperLeft() {
        hangers().forEach(ProcessHandle::destroyForcibly); // only if the gradebook failed to: the test says so
    }

    /** ada's leftover: the process her code starts, which would outlive her test JVM. */
    private static List<ProcessHandle> hangers() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("sleep " + HANG))
                .toList();
    }

    @Test
    @DisplayName("release.sh writes the student copy: exercise, kit, learners' scripts, notes, grade workflow;"
            + " no solutions, bug zoo, coverage, mutation files or maintainers' scripts; only released modules")
    void releaseLeavesOutWhatIsNotTheStudents() throws Exception {
        for (String kept : List.of("README.md", "pom.xml", ".mvn/jvm.config", ".github/workflows/grade.yml",
                ".pre-commit-config.yaml", "scripts/grade.sh", "scripts/lib.sh", "scripts/watch.sh", "scripts/interview.sh",
                "scripts/bench.sh", "scripts/hooks/java-format.sh", "config/checkstyle.xml", "interview-notes/pom.xml",
                "common/test-support/src/main/java/dev/opsworkbook/grading/GradingListener.java",
                "exercises/" + SLUG + "/README.md",
                "exercises/" + SLUG + "/src/main/java/dev/opsworkbook/workerpool/WorkerPool.java",
                "exercises/" + SLUG + "/src/given/java/dev/opsworkbook/workerpool/Backend.java", SUITE_FILE,
                SuiteManifest.FILE)) {
            assertThat(release.resolve(kept)).as(kept).exists();
        }
        for (String left : List.of("solutions", ".ci", ".github/workflows/ci.yml", "scripts/verify.sh", "scripts/mutation.sh",
                "scripts/new-bug.sh", "scripts/peers", "scripts/release.sh", "scripts/gradebook.sh", "scripts/sync-notes.sh",
                "config/static-analysis-probe", "common/test-support/src/test", "exercises/ex05-safe-exec")) {
            assertThat(release.resolve(left)).as(left + " is the instructors'").doesNotExist();
        }
        try (Stream<Path> all = Files.walk(release)) {
            assertThat(all.map(p -> p.getFileName().toString()))
                    .doesNotContain("COVERAGE.md", "bug.patch", "BUG.md", "variant.patch", "mutation-equivalents.txt", "target");
        }
        String pom = Files.readString(release.resolve("pom.xml"));
        assertThat(pom.lines().filter(l -> l.contains("<module>")).map(String::strip)).containsExactly(
                "<module>common/test-support</module>", "<module>exercises/" + SLUG + "</module>",
                "<module>interview-notes</module>");

        String manifest = Files.readString(release.resolve(SuiteManifest.FILE));
        assertThat(manifest).contains("  " + SUITE_FILE + "\n", "  exercises/" + SLUG + "/pom.xml\n",
                "  exercises/" + SLUG + "/src/given/java/dev/opsworkbook/workerpool/Backend.java\n",
                "  common/test-support/src/main/java/dev/opsworkbook/grading/GradingListener.java\n",
                "  common/test-support/src/main/resources/junit-platform.properties\n", "  pom.xml\n",
                "  scripts/grade.sh\n").doesNotContain("/src/main/java/dev/opsworkbook/workerpool/");
        // The format is sha256sum's: the standard tool agrees with every line.
        Process check = new ProcessBuilder("sha256sum", "--check", "--quiet", SuiteManifest.FILE)
                .directory(release.toFile()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(checked).isZero();
    }

    @Test
    @DisplayName("release.sh --per-exercise writes a standalone repository: the kit and one exercise under its own POM,"
            + " README, scripts, workflow, pre-commit config, manifest and a Dockerfile that runs without network")
    void perExerciseRepository() throws Exception {
        for (String kept : List.of("README.md", "Dockerfile", ".dockerignore", ".pre-commit-config.yaml",
                ".github/workflows/grade.yml", "scripts/grade.sh", "scripts/hooks/whitespace.sh", SuiteManifest.FILE, SUITE_FILE,
                "common/test-support/src/main/java/dev/opsworkbook/grading/GradingCli.java")) {
            assertThat(repository.resolve(kept)).as(kept).exists();
        }
        assertThat(repository.resolve("interview-notes")).doesNotExist();
        assertThat(repository.resolve("solutions")).doesNotExist();
        assertThat(Files.readString(repository.resolve("pom.xml")).lines().filter(l -> l.contains("<module>"))
                .map(String::strip)).containsExactly("<module>common/test-support</module>",
                "<module>exercises/" + SLUG + "</module>");
        assertThat(Files.readString(repository.resolve("README.md"))).contains("docker run --rm --network none",
                "exercises/" + SLUG + "/README.md", "scripts/grade.sh ex04");
        // That it builds and grades offline is the gradebook's cy-skeleton below. Here: the Dockerfile parses.
        Dockerfile.check(repository);
    }

    @Test
    @DisplayName("gradebook.sh grades each submission in isolation, two at a time: the reference's code scores 100,"
            + " the skeleton 0, an edited suite is an error naming the file, and a hang is cut at the limit, killing all")
    void gradebookGradesAClass() throws Exception {
        Map<String, Path> students = new LinkedHashMap<>();
        for (String student : List.of("ada-hangs", "bob-correct", "cy-skeleton", "dee-edits-the-suite")) {
            // Two folders of submissions, graded by two gradebook runs side by side: the hang gets a short limit.
            Path folder = dir.resolve(student.startsWith("ada") ? "late" : "class");
            // cy hands in a per-exercise repository, the others the class release.
            students.put(student, copyTree(student.startsWith("cy") ? repository : release, folder.resolve(student)));
        }
        // bob: the reference's own code, so the same score as `grade.sh --solutions` (which verify requires be 100).
        copyTree(ROOT.resolve("solutions/" + SLUG + "/src/main/java"),
                students.get("bob-correct").resolve("exercises/" + SLUG + "/src/main/java"));
        // ada: her pool starts a helper process, then deadlocks (waits for ever, ignoring interrupts): each test is
        // abandoned only at its 10 s timeout, 31 of them, so her run takes minutes; the limit cuts it mid-test, where
        // no leak check of the suite runs, and the helper, orphaned when her test JVM is killed, goes with the group.
        edit(students.get("ada-hangs").resolve("exercises/" + SLUG + "/src/main/java/dev/opsworkbook/workerpool/WorkerPool.java"),
                "            throw new UnsupportedOperationException(\"TODO: check the settings",
                """
                            try {
                                new ProcessBuilder("sleep", "%s").start();
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            for (boolean waiting = true; waiting; ) {
                                java.util.concurrent.locks.LockSupport.park();
                            }
                            throw new UnsupportedOperationException("TODO: check the settings""".formatted(HANG));
        // dee: one assertion of the suite "fixed".
        Files.writeString(students.get("dee-edits-the-suite").resolve(SUITE_FILE), "\n// relaxed\n",
                java.nio.file.StandardOpenOption.APPEND);

        Path late = dir.resolve("gradebook-late");
        Path out = dir.resolve("gradebook");
        long started = System.nanoTime();
        CompletableFuture<String> lateRun = CompletableFuture.supplyAsync(() -> {
            try {
                return run(ROOT, "scripts/gradebook.sh", dir.resolve("late").toString(), "--jobs", "2", "--timeout",
                        Integer.toString(TIMEOUT_SECONDS), "--out", late.toString());
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        String printed = run(ROOT, "scripts/gradebook.sh", dir.resolve("class").toString(), "--jobs", "2", "--timeout",
                "900", "--out", out.toString());
        String latePrinted = lateRun.get(5, TimeUnit.MINUTES);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.println(printed + latePrinted); // the time each submission took, for the record
        assertThat(printed).startsWith("0:");
        assertThat(latePrinted).startsWith("0:");

        assertThat(Files.readAllLines(out.resolve("gradebook.csv"))).containsExactly(
                "student," + SLUG + ",total,max,notes",
                "bob-correct,100,100,100,",
                "cy-skeleton,0,0,100,",
                "dee-edits-the-suite,error,0,100," + SLUG + ": the grading suite was modified: " + SUITE_FILE);
        List<String> lateCsv = Files.readAllLines(late.resolve("gradebook.csv"));
        assertThat(lateCsv).hasSize(2);
        assertThat(lateCsv.get(1)).startsWith("ada-hangs,timeout,0,100,\"grading did not finish within " + TIMEOUT_SECONDS
                + " s: stopped");

        // The edited suite was also refused by the submission's own grade.sh (the released copy's check).
        Results.Report dee = Json.readReport(Files.readString(out.resolve("reports/dee-edits-the-suite.json")));
        assertThat(dee.exercises().getFirst().status()).isEqualTo(Results.ERROR);
        assertThat(dee.exercises().getFirst().message()).startsWith("the grading suite was modified: " + SUITE_FILE);
        Results.Report bob = Json.readReport(Files.readString(out.resolve("reports/bob-correct.json")));
        assertThat(bob.exercises().getFirst().tests()).allMatch(Results.Test::passed);

        assertThat(Files.readString(out.resolve("gradebook.html"))).contains(
                "<td class=\"student\">bob-correct</td><td class=\"pass\">100</td>",
                "title=\"the grading suite was modified: " + SUITE_FILE).doesNotContain("<script", "http");
        assertThat(Files.readString(late.resolve("gradebook.html"))).contains("<td class=\"timeout\"")
                .doesNotContain("<script", "http");
        // Nothing of ada's run is left: not her Maven, not the helper her code started (whose parent is long gone).
        assertThat(hangers()).as("ada's helper process is killed with her run").isEmpty();
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("")
                .contains(dir.toString()))).isEmpty();
        assertThat(seconds).as("ada's hang costs its limit, beside the others").isLessThan(900);
    }

    @Test
    @DisplayName("both scripts answer --help, and a usage error exits 2 with a one-line fix")
    void usage() throws Exception {
        for (String script : List.of("scripts/release.sh", "scripts/gradebook.sh")) {
            assertThat(run(ROOT, script, "--help")).startsWith("0:usage: " + script + " ");
            assertThat(run(ROOT, script)).startsWith("2:error: name the ").containsOnlyOnce("\n");
            assertThat(run(ROOT, script, "--bogus", "x")).startsWith("2:error: unknown option '--bogus'")
                    .containsOnlyOnce("\n");
        }
        assertThat(run(ROOT, "scripts/release.sh", release.toString())).startsWith("2:error: '" + release
                + "' exists and is not empty").containsOnlyOnce("\n");
        assertThat(run(ROOT, "scripts/release.sh", dir.resolve("x").toString(), "ex99"))
                .startsWith("2:error: unknown exercise 'ex99'").containsOnlyOnce("\n");
        assertThat(run(ROOT, "scripts/gradebook.sh", dir.toString(), "--jobs", "many"))
                .isEqualTo("2:error: --jobs takes a positive number, got 'many'\n");
        assertThat(run(ROOT, "scripts/gradebook.sh", dir.resolve("nobody").toString())).startsWith("2:error: '")
                .containsOnlyOnce("\n");
    }

    private static String run(Path in, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("GITHUB_STEP_SUMMARY");
        Process p = pb.start();
        String text;
        try (InputStream out = p.getInputStream()) {
            text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        return p.waitFor() + ":" + text;
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(from)) {
            all.forEach(files::add);
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isDirectory(f)) {
                Files.createDirectories(target);
            } else {
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }
}
