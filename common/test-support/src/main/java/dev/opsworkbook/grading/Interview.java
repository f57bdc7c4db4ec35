package dev.opsworkbook.grading;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code scripts/interview.sh}: the exercise as a timed interview. Only the current task is shown; the next one
 * unlocks when every test of this one passes (its tests by tag, as {@code grade.sh --task N}). Hints stay hidden
 * until asked for, one rung of the README's ladder at a time, and are counted. At the end, or when time is up: the
 * score and the time per task, the hints used, and the README's follow-up questions with the notes' rubric.
 */
public final class Interview {
    static final String USAGE = "usage: Interview --exercise DIR --slug SLUG --classpath-file FILE --work DIR --readme FILE"
            + " --rubric FILE --seconds N [--display NAME]";
    static final String KEYS = "keys (then Enter): c check this task · h next hint · t show the task again · q finish now";

    /** One README task: its text, its points and its hint ladder. */
    record Task(int number, String text, int points, List<String> hints) {
    }

    /** Where a task stands. */
    private static final class Progress {
        long unlockedAt;
        long passedAt;
        int hintsUsed;
        long score;
        long maxScore;
        boolean checked;
    }

    private final LearnerRounds rounds;
    private final List<Task> tasks;
    private final String followUps;
    private final String rubric;
    private final String display;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private final long deadline;
    private final Map<Integer, Progress> progress = new HashMap<>();
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private int current = 1;
    private boolean checking;

    private Interview(LearnerRounds rounds, String readme, String notes, long seconds, String display, PrintStream out) {
        this.rounds = rounds;
        this.tasks = tasks(readme);
        this.followUps = section(readme, "## Interview follow-ups");
        this.rubric = section(notes, "## Scoring rubric");
        this.display = display;
        this.out = out;
        this.deadline = started + TimeUnit.SECONDS.toNanos(seconds);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        for (String required : List.of("--exercise", "--slug", "--classpath-file", "--work", "--readme", "--rubric",
                "--seconds")) {
            if (!options.containsKey(required) || args.length % 2 != 0) {
                System.err.println("error: " + required + " is required\n" + USAGE);
                System.exit(2);
            }
        }
        Path dir = Path.of(option(options, "--exercise")).toAbsolutePath();
        String classpath = Files.readString(Path.of(option(options, "--classpath-file")), StandardCharsets.UTF_8).strip();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        LearnerRounds rounds = new LearnerRounds(dir, option(options, "--slug"), classpath, Path.of(option(options, "--work")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                rounds.close();
            } catch (IOException | RuntimeException e) {
                // leaving anyway
            }
        }));
        Interview interview = new Interview(rounds,
                Files.readString(Path.of(option(options, "--readme")), StandardCharsets.UTF_8),
                Files.readString(Path.of(option(options, "--rubric")), StandardCharsets.UTF_8),
                Long.parseLong(option(options, "--seconds")), options.getOrDefault("--display", dir.toString()), out);
        if (interview.tasks.isEmpty()) {
            System.err.println("error: no numbered tasks under '## Tasks' in " + option(options, "--readme"));
            System.exit(2);
        }
        interview.run();
        System.exit(0); // the stdin reader may still be blocked in read()
    }

    private static String option(Map<String, String> options, String name) {
        return Objects.requireNonNull(options.get(name), name); // checked in main
    }

    private void run() throws InterruptedException {
        out.printf("Interview: %s, %s on the clock, %d tasks; each unlocks when the one before passes.%n", display,
                clock(deadline - started), tasks.size());
        out.println("The reference and the README's hints stay out of sight; hints you ask for are counted.");
        out.println(KEYS);
        unlock(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    events.add(line.strip());
                }
            } catch (IOException e) {
                // no more keys: the clock still runs
            }
        }, "keys");
        reader.setDaemon(true);
        reader.start();
        long nextReminder = reminderAfter(System.nanoTime());
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline) {
                finish("time is up");
                return;
            }
            if (now >= nextReminder) {
                out.println("⏳ " + clock(deadline - now) + " left");
                nextReminder = reminderAfter(now);
            }
            Object event = events.poll(Math.min(deadline, nextReminder) - now, TimeUnit.NANOSECONDS);
            if (event instanceof String key) {
                if (!onKey(key)) {
                    return;
                }
            } else if (event instanceof LearnerRounds.Outcome outcome) {
                if (!onChecked(outcome)) {
                    return;
                }
            }
        }
    }

    /** The next whole reminder: at half time, then every minute in the last five, else every five minutes. */
    private long reminderAfter(long now) {
        long left = deadline - now;
        long step = left > TimeUnit.MINUTES.toNanos(10) ? TimeUnit.MINUTES.toNanos(5) : TimeUnit.MINUTES.toNanos(1);
        long at = deadline - (left - 1) / step * step;
        return at <= now ? deadline : at;
    }

    private boolean onKey(String key) {
        switch (key) {
            case "c", "" -> {
                if (checking) {
                    out.println("still checking task " + current + "...");
                } else {
                    check();
                }
            }
            case "h" -> hint();
            case "t" -> showTask();
            case "q" -> {
                finish("you finished");
                return false;
            }
            default -> out.println(KEYS);
        }
        return true;
    }

    private void check() {
        checking = true;
        int task = current;
        out.println("checking task " + task + " (its tests only)...");
        Thread.ofPlatform().daemon().name("check").start(() -> {
            try {
                events.add(rounds.run("task:" + task, false));
            } catch (IOException | RuntimeException e) {
                events.add(new LearnerRounds.Outcome.Broken(e.toString()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private boolean onChecked(LearnerRounds.Outcome outcome) {
        checking = false;
        Progress p = Objects.requireNonNull(progress.get(current));
        switch (outcome) {
            case LearnerRounds.Outcome.CompileError e ->
                    out.print("Your code does not compile:\n" + Watch.indent(Watch.firstLines(e.diagnostics(), 20)));
            case LearnerRounds.Outcome.Broken b -> out.println("The check could not run: " + b.why());
            case LearnerRounds.Outcome.Cancelled c -> {
                return true;
            }
            case LearnerRounds.Outcome.Graded g -> {
                Results.Exercise r = g.results();
                p.checked = true;
                p.score = r.score();
                p.maxScore = r.maxScore();
                List<Results.Test> failing = r.tests().stream().filter(t -> !t.passed()).toList();
                if (failing.isEmpty() && !r.tests().isEmpty()) {
                    p.passedAt = System.nanoTime();
                    out.printf("Task %d passes: %d/%d points, in %s.%n", current, r.score(), r.maxScore(),
                            clock(p.passedAt - p.unlockedAt));
                    if (current == tasks.size()) {
                        finish("every task passes");
                        return false;
                    }
                    unlock(current + 1);
                } else {
                    out.printf("Task %d: %d/%d points; %d of %d tests fail:%n", current, r.score(), r.maxScore(),
                            failing.size(), r.tests().size());
                    for (Results.Test t : failing) {
                        out.println("  ✗ " + t.name());
                        String why = t.notImplemented() ? "not implemented yet (the skeleton's TODO still throws)"
                                : t.message() == null ? "" : t.message().strip().lines().findFirst().orElse("");
                        out.println("      " + why);
                    }
                }
            }
        }
        out.println("[" + clock(deadline - System.nanoTime()) + " left] " + KEYS);
        return true;
    }

    private void unlock(int number) {
        current = number;
        Progress p = new Progress();
        p.unlockedAt = System.nanoTime();
        progress.put(number, p);
        if (number > 1) {
            out.println();
            out.println("Task " + number + " unlocked.");
        }
        showTask();
    }

    private void showTask() {
        Task t = tasks.get(current - 1);
        out.println();
        out.println("── Task " + t.number() + " of " + tasks.size() + " ──");
        out.println(t.text());
        out.println("[" + clock(deadline - System.nanoTime()) + " left]");
    }

    private void hint() {
        Task t = tasks.get(current - 1);
        Progress p = Objects.requireNonNull(progress.get(current));
        if (p.hintsUsed >= t.hints().size()) {
            out.println("No more hints for task " + current + " (" + t.hints().size() + " used).");
            return;
        }
        p.hintsUsed++;
        out.printf("Hint %d of %d for task %d:%n%s%n", p.hintsUsed, t.hints().size(), current,
                Watch.indent(t.hints().get(p.hintsUsed - 1)));
    }

    private void finish(String why) {
        rounds.cancel();
        long end = System.nanoTime();
        out.println();
        out.println("══ Interview summary: " + display + " (" + why + " after " + clock(end - started) + ") ══");
        out.printf("%-6s %-12s %-8s %-7s %s%n", "task", "points", "time", "hints", "");
        long total = 0;
        long max = 0;
        int hints = 0;
        for (Task t : tasks) {
            Progress p = progress.get(t.number());
            long points = t.points();
            if (p == null) {
                out.printf("%-6d %-12s %-8s %-7s %s%n", t.number(), "0/" + points, "-", "-", "locked");
                max += points;
                continue;
            }
            long outOf = p.checked ? p.maxScore : points;
            total += p.score;
            max += outOf;
            hints += p.hintsUsed;
            long took = (p.passedAt != 0 ? p.passedAt : end) - p.unlockedAt;
            out.printf("%-6d %-12s %-8s %-7s %s%n", t.number(), p.score + "/" + outOf, clock(took),
                    p.hintsUsed + "/" + t.hints().size(), p.passedAt != 0 ? "passed" : p.checked ? "not passed"
                            : "not checked");
        }
        out.printf("total: %d/%d points in %s; hints used: %d%n", total, max, clock(end - started), hints);
        out.println();
        out.println("Now the interviewer's follow-ups. Answer each aloud, then score yourself with the rubric:");
        out.println(followUps);
        out.println();
        out.println("Rubric (interview-notes/README.md):");
        out.println(rubric);
    }

    static String clock(long nanos) {
        long s = Math.max(0, (nanos + 999_999_999) / 1_000_000_000);
        return String.format("%02d:%02d", s / 60, s % 60);
    }

    private static final Pattern TASK = Pattern.compile("^(\\d+)\\. (.*)$");
    private static final Pattern POINTS = Pattern.compile("(\\d+) points");
    private static final Pattern DETAILS = Pattern.compile(
            "<details><summary>(.*?)</summary>(.*?)</details>", Pattern.DOTALL);

    /** The README's numbered tasks, each with its points and the hint ladder of its "### Task N" section. */
    static List<Task> tasks(String readme) {
        List<Task> tasks = new ArrayList<>();
        String hints = section(readme, "## Hints");
        @Nullable StringBuilder text = null;
        int number = 0;
        for (String line : (section(readme, "## Tasks") + "\n").lines().toList()) {
            Matcher m = TASK.matcher(line);
            if (m.matches() || (text != null && !line.startsWith(" ") && !line.isBlank())) {
                if (text != null) {
                    tasks.add(task(number, text.toString().strip(), hints));
                    text = null;
                }
                if (m.matches()) {
                    number = Integer.parseInt(m.group(1));
                    text = new StringBuilder(m.group(2));
                }
            } else if (text != null && !line.isBlank()) {
                text.append('\n').append(line.strip());
            }
        }
        if (text != null) {
            tasks.add(task(number, text.toString().strip(), hints));
        }
        return tasks;
    }

    private static Task task(int number, String text, String hints) {
        Matcher points = POINTS.matcher(text);
        List<String> ladder = new ArrayList<>();
        Matcher rung = DETAILS.matcher(section(hints, "### Task " + number + " "));
        while (rung.find()) {
            ladder.add(rung.group(1).strip() + ": " + rung.group(2).strip());
        }
        return new Task(number, text.replace("**", ""), points.find() ? Integer.parseInt(points.group(1)) : 0, ladder);
    }

    /** The body of the section whose heading starts with {@code heading}, up to the next heading of its level. */
    static String section(String markdown, String heading) {
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        StringBuilder body = new StringBuilder();
        boolean in = false;
        for (String line : markdown.lines().toList()) {
            if (line.startsWith(heading)) {
                in = true;
            } else if (in && (line.startsWith(level) || isHigher(line, level))) {
                break;
            } else if (in) {
                body.append(line).append('\n');
            }
        }
        return body.toString().strip();
    }

    private static boolean isHigher(String line, String level) {
        for (String h = level.substring(1); h.length() > 1; h = h.substring(1)) {
            if (line.startsWith(h) && !line.startsWith(h.substring(0, h.length() - 1) + "#")) {
                return true;
            }
        }
        return false;
    }
}
