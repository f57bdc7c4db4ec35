package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/watch.sh and scripts/interview.sh, run as a learner runs them, on a copy of ex05's skeleton (never the
 * real one). The suite's classpath is this JVM's (the kit, JUnit, AssertJ: all ex05's suite needs), passed in
 * GRADING_CLASSPATH_FILE so that no Maven starts inside the build that runs this test.
 */
@Timeout(240)
class LearnerScriptsTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final String SLUG = "ex05-safe-exec";
    private static final Path SOURCE = Path.of("src/main/java/dev/opsworkbook/safeexec/SafeExec.java");
    /** Generous: the first round warms up a compiler, on 2 cores that the rest of the build keeps busy. */
    private static final Duration ROUND = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopScripts() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    @DisplayName("watch.sh shows the next failing test, grades again after each save with the new code,"
            + " and leaves nothing running when stopped")
    void watchRegradesOnSave() throws Exception {
        Path exercise = copyOfExercise();
        Output out = start(List.of("scripts/watch.sh", exercise.toString()));

        await().atMost(ROUND).until(() -> out.rounds() == 1);
        assertThat(out.last()).contains("Score so far: 0/100", "Next failing test (task 1): Task 1: run a command safely",
                "not implemented yet", "hint: ");

        // A body change: the suite is not compiled again, and the round must run the new class, not a stale one.
        edit(exercise, "\"TODO: run the command (see the README, tasks 1-4)\"", "\"edited: not yet\"");
        await().atMost(ROUND).until(() -> out.rounds() == 2);
        assertThat(out.last()).contains("changed: grading again", "edited: not yet").doesNotContain("not implemented yet");

        edit(exercise, "\"edited: not yet\");", "\"edited: not yet\")");
        await().atMost(ROUND).until(() -> out.rounds() == 3);
        assertThat(out.last()).contains("Your code does not compile", SOURCE.getFileName() + ":", "';' expected");

        edit(exercise, "\"edited: not yet\")", "\"TODO: again\");");
        await().atMost(ROUND).until(() -> out.rounds() == 4);
        assertThat(out.last()).contains("Next failing test (task 1)", "not implemented yet");

        // Ctrl-C is SIGINT; a job started in the background inherits SIGINT ignored, so a build run that way gets
        // SIGTERM, which takes the same way out (the shutdown hook).
        Process watch = started.getFirst();
        List<ProcessHandle> children = watch.descendants().toList();
        assertThat(children).as("the next round's JVM, started ahead").isNotEmpty();
        Process kill = new ProcessBuilder("kill", sigintIgnored() ? "-TERM" : "-INT", Long.toString(watch.pid())).start();
        assertThat(kill.waitFor()).isZero();
        assertThat(watch.waitFor(30, TimeUnit.SECONDS)).as("watch.sh ends").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(out.text()).contains("watch stopped.");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("its work folder is deleted")
                    .noneMatch(n -> n.startsWith("watch-"));
        }
    }

    @Test
    @DisplayName("interview.sh shows task 1 only, counts the hints asked for, unlocks task 2 once task 1 passes,"
            + " and ends with the summary, the follow-ups and the rubric")
    void interviewUnlocksTheNextTask() throws Exception {
        Path exercise = copyOfExercise();
        Output out = start(List.of("scripts/interview.sh", exercise.toString(), "--minutes", "10"));
        await().atMost(ROUND).until(() -> out.text().contains("── Task 1 of 4 ──"));
        assertThat(out.text()).doesNotContain("── Task 2", "Hint 1");

        out.type("h");
        await().atMost(ROUND).until(() -> out.text().contains("Hint 1 of 3 for task 1:\n  Nudge: "));
        // The fix: the reference's classes (another API: the suite is compiled again against it).
        try (Stream<Path> files = Files.walk(ROOT.resolve("solutions/" + SLUG + "/src/main/java"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = exercise.resolve("src/main/java").resolve(
                        ROOT.resolve("solutions/" + SLUG + "/src/main/java").relativize(f));
                Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        out.type("c");
        await().atMost(ROUND.multipliedBy(2)).until(() -> out.text().contains("Task 2 unlocked."));
        assertThat(out.text()).contains("Task 1 passes: 25/25 points", "── Task 2 of 4 ──");

        out.type("q");
        Process interview = started.getFirst();
        assertThat(interview.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(interview.exitValue()).isZero();
        String summary = out.text().substring(out.text().indexOf("══ Interview summary"));
        assertThat(summary).contains("(you finished after")
                .containsPattern("\\n1 +25/25 +\\d\\d:\\d\\d +1/3 +passed")
                .containsPattern("\\n2 +0/25 +\\d\\d:\\d\\d +0/3 +not checked")
                .containsPattern("\\n3 +0/30 +- +- +locked")
                .contains("total: 25/100 points", "hints used: 1", "Why not `setsid` and kill the process group?",
                        "| **Fundamentals** | 30 |", "| **Depth** | 40 |", "| **Practice** | 30 |");
    }

    @Test
    @DisplayName("interview.sh ends by itself when time is up, with the summary")
    void interviewTimeUp() throws Exception {
        Path exercise = copyOfExercise();
        Output out = start(List.of("scripts/interview.sh", exercise.toString(), "--minutes", "0.05"));
        out.type("h");
        Process interview = started.getFirst();
        assertThat(interview.waitFor(60, TimeUnit.SECONDS)).as("ends after 3 s").isTrue();
        assertThat(out.text()).contains("00:03 on the clock", "(time is up after 00:0", "hints used: 1")
                .containsPattern("\\n1 +0/25 +00:0\\d +1/3 +not checked");
    }

    @Test
    @DisplayName("both scripts answer --help, and a usage error exits 2 with a one-line fix")
    void usage() throws Exception {
        for (String script : List.of("scripts/watch.sh", "scripts/interview.sh")) {
            assertThat(run(script, "--help")).startsWith("0:usage: " + script + " EXERCISE");
            assertThat(run(script)).startsWith("2:error: name the exercise").containsOnlyOnce("\n");
            assertThat(run(script, "ex99")).startsWith("2:error: unknown exercise 'ex99'").containsOnlyOnce("\n");
            assertThat(run(script, "--bogus")).startsWith("2:error: unknown option '--bogus'").containsOnlyOnce("\n");
        }
        assertThat(run("scripts/interview.sh", "ex05", "--minutes", "soon"))
                .isEqualTo("2:error: --minutes takes a number of minutes (e.g. 45 or 0.5), got 'soon'\n");
    }

    private String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String text;
        try (InputStream in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return p.waitFor() + ":" + text;
    }

    private Path copyOfExercise() throws IOException {
        Path from = ROOT.resolve("exercises/" + SLUG);
        Path to = dir.resolve(SLUG);
        for (String tree : List.of("src/main", "src/given", "src/test")) {
            try (Stream<Path> files = Files.walk(from.resolve(tree))) {
                for (Path f : files.toList()) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target);
                    }
                }
            }
        }
        return to;
    }

    private static void edit(Path exercise, String from, String to) throws IOException {
        Path file = exercise.resolve(SOURCE);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }

    private Output start(List<String> command) throws IOException {
        Path classpath = dir.resolve("classpath.txt");
        String surefire = System.getProperty("surefire.test.class.path");
        Files.writeString(classpath, surefire != null && !surefire.isBlank() ? surefire
                : System.getProperty("java.class.path"), StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GRADING_CLASSPATH_FILE", classpath.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("TMPDIR", dir.toString());
        Process p = pb.start();
        started.add(p);
        return new Output(p);
    }

    /** Whether this JVM (and so a child it starts) ignores SIGINT: bit 2 of SigIgn in /proc/self/status. */
    private static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring("SigIgn:".length()).strip(), 16) & 2) != 0;
            }
        }
        return false;
    }

    /** A script's output, read as it comes; and its stdin, for keys. */
    private static final class Output {
        private static final Pattern ROUND_HEADER = Pattern.compile("(?m)^── .* · graded in ");
        private final StringBuffer text = new StringBuffer();
        private final OutputStream keys;

        Output(Process p) {
            keys = p.getOutputStream();
            Thread.ofPlatform().daemon().start(() -> {
                try (Reader in = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
                    char[] buffer = new char[8192];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        text.append(buffer, 0, n);
                    }
                } catch (IOException e) {
                    // the script ended
                }
            });
        }

        String text() {
            return text.toString();
        }

        /** How many rounds watch.sh has shown. */
        int rounds() {
            return (int) ROUND_HEADER.matcher(text()).results().count();
        }

        String last() {
            String all = text();
            int at = all.lastIndexOf("── ");
            int changed = all.lastIndexOf("changed: grading again");
            return all.substring(Math.max(0, changed >= 0 && changed < at ? changed : at));
        }

        void type(String key) throws IOException {
            keys.write((key + "\n").getBytes(StandardCharsets.UTF_8));
            keys.flush();
        }
    }
}
