package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The GitHub Actions workflows, checked here where no runner is: parsed as YAML, their references between steps,
 * jobs and outputs resolved, their shell run through shellcheck, and the shell of the matrix workflow run for real on
 * recorded reports. {@code scripts/lint-workflows.sh} (actionlint) runs too when it can be installed.
 */
@DisplayName("The GitHub Actions workflows")
@Timeout(120)
class WorkflowsTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
    private static final Path REPORTS = Path.of("src/test/resources/reports").toAbsolutePath();
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{(.*?)}}");
    private static final Pattern REFERENCE = Pattern.compile(
            "\\b(steps|needs)\\.([\\w-]+)\\.outputs\\.([\\w-]+)|\\bmatrix\\.([\\w-]+)");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ci.yml", "grade.yml", "classroom.yml", "grade-matrix.yml"})
    @DisplayName("is YAML with what the runner needs: a trigger, jobs that run somewhere, steps that use or run, and"
            + " references to steps, jobs and outputs that exist; its shell passes shellcheck")
    void structure(String file) throws Exception {
        Map<String, Object> workflow = load(file);
        assertThat(workflow).containsKeys("name", "on", "jobs");
        Map<String, Object> jobs = map(workflow.get("jobs"));
        assertThat(jobs).isNotEmpty();
        for (Map.Entry<String, Object> j : jobs.entrySet()) {
            Map<String, Object> job = map(j.getValue());
            String where = file + " job " + j.getKey();
            assertThat(job).as(where).containsKey("runs-on");
            List<String> needs = needs(job);
            assertThat(jobs.keySet()).as(where + " needs").containsAll(needs);
            List<Map<String, Object>> steps = steps(job);
            assertThat(steps).as(where + " steps").isNotEmpty();
            Set<String> ids = new TreeSet<>();
            for (Map<String, Object> step : steps) {
                assertThat(step.containsKey("uses") ^ step.containsKey("run")).as(where + ": a step uses or runs: " + step)
                        .isTrue();
                if (step.get("uses") instanceof String uses) {
                    assertThat(uses).as(where).matches("[\\w-]+/[\\w.-]+(/[\\w./-]+)?@[\\w.-]+|\\./.*");
                }
                // A step may refer only to the outputs of steps before it.
                for (String[] ref : references(step)) {
                    if (ref[0].equals("steps")) {
                        assertThat(ids).as(where + ": step '" + ref[1] + "' is defined before it is read").contains(ref[1]);
                    }
                }
                if (step.get("id") instanceof String id) {
                    ids.add(id);
                }
                if (step.get("run") instanceof String run) {
                    shellcheck(where, run);
                }
            }
            for (String[] ref : references(job)) {
                switch (ref[0]) {
                    case "needs" -> {
                        assertThat(needs).as(where + ": reads needs." + ref[1]).contains(ref[1]);
                        assertThat(map(map(jobs.get(ref[1])).get("outputs"))).as(where + ": job " + ref[1] + "'s outputs")
                                .containsKey(ref[2]);
                    }
                    case "matrix" -> assertThat(map(map(job.get("strategy")).get("matrix"))).as(where + " matrix")
                            .containsKey(ref[3]);
                    default -> { }
                }
            }
            if (job.get("outputs") instanceof Map<?, ?> outputs) {
                for (String[] ref : references(outputs)) {
                    assertThat(ids).as(where + ": output from step " + ref[1]).contains(ref[1]);
                }
            }
        }
    }

    @Test
    @DisplayName("classroom.yml hands its grading step's --classroom payload to the autograding reporter")
    void classroomFeedsTheReporter() throws Exception {
        Map<String, Object> job = map(map(load("classroom.yml").get("jobs")).get("autograding"));
        List<Map<String, Object>> steps = steps(job);
        Map<String, Object> reporter = steps.stream()
                .filter(s -> "classroom-resources/autograding-grading-reporter@v1".equals(s.get("uses")))
                .findFirst().orElseThrow();
        String runner = String.valueOf(map(reporter.get("with")).get("runners"));
        assertThat(runner).as("the reporter's runner ids are letters and digits").matches("[a-zA-Z0-9]+");
        String value = String.valueOf(map(reporter.get("env")).get(runner.toUpperCase(java.util.Locale.ROOT) + "_RESULTS"));
        Matcher m = Pattern.compile("\\$\\{\\{ steps\\.([\\w-]+)\\.outputs\\.result }}").matcher(value);
        assertThat(m.matches()).as("the reporter reads " + runner.toUpperCase(java.util.Locale.ROOT) + "_RESULTS from a"
                + " step's result output: " + value).isTrue();
        Map<String, Object> grading = steps.stream().filter(s -> m.group(1).equals(s.get("id"))).findFirst().orElseThrow();
        String run = String.valueOf(grading.get("run"));
        Matcher payload = Pattern.compile("--classroom (\\S+)").matcher(run);
        assertThat(payload.find()).as("the grading step writes the payload: " + run).isTrue();
        assertThat(run).contains("scripts/grade.sh ").contains("echo \"result=$(cat " + payload.group(1)
                + ")\" >> \"$GITHUB_OUTPUT\"");
        assertThat(map(load("classroom.yml").get("permissions"))).containsEntry("checks", "write");
    }

    @Test
    @DisplayName("grade-matrix.yml: its list step names every exercise, each becomes a job, and its merge step merges"
            + " their reports, or fails naming one that is missing")
    void matrixGradesEachExerciseAndMerges() throws Exception {
        Map<String, Object> jobs = map(load("grade-matrix.yml").get("jobs"));
        Map<String, Object> grade = map(jobs.get("grade"));
        assertThat(map(map(grade.get("strategy")).get("matrix")))
                .containsEntry("exercise", "${{ fromJSON(needs.exercises.outputs.list) }}");
        Map<String, Object> upload = steps(grade).stream().filter(s -> String.valueOf(s.get("uses"))
                .startsWith("actions/upload-artifact@")).findFirst().orElseThrow();
        assertThat(map(upload.get("with"))).containsEntry("name", "report-${{ matrix.exercise }}");
        Map<String, Object> merge = map(jobs.get("merge"));
        assertThat(needs(merge)).contains("grade");
        assertThat(merge).containsEntry("if", "always()");
        assertThat(steps(merge)).anySatisfy(s -> assertThat(map(s.get("with"))).containsEntry("pattern", "report-*"));

        // The list step, run here: every exercise, in order.
        Path output = dir.resolve("github-output");
        String listed = bash(step(jobs, "exercises", "list"), Map.of("GITHUB_OUTPUT", output.toString()));
        assertThat(listed).isEqualTo("0:");
        List<String> exercises;
        try (Stream<Path> d = Files.list(ROOT.resolve("exercises"))) {
            exercises = d.filter(p -> Files.isRegularFile(p.resolve("pom.xml")))
                    .map(p -> p.getFileName().toString()).filter(n -> n.matches("ex\\d\\d-.*")).sorted().toList();
        }
        assertThat(exercises).isNotEmpty();
        assertThat(Files.readString(output).strip()).isEqualTo("list=" + Json.write(exercises).replaceAll("\\s", ""));

        // The merge step, run here on two recorded per-exercise reports, as the artifacts would lay them out.
        String script = step(jobs, "merge", null).replace("grading/", dir + "/grading/");
        Path parts = Files.createDirectories(dir.resolve("grading/parts"));
        Files.copy(REPORTS.resolve("ex05-solutions.json"), parts.resolve("ex05-safe-exec.json"));
        Files.copy(REPORTS.resolve("ex07-solutions.json"), parts.resolve("ex07-file-service.json"));
        Path summary = dir.resolve("summary.md");
        Map<String, String> env = Map.of("LIST", "[\"ex05-safe-exec\",\"ex07-file-service\"]",
                "GITHUB_STEP_SUMMARY", summary.toString());
        assertThat(bash(script, env)).startsWith("0:").contains("Total: 200/200");
        Results.Report merged = Json.readReport(Files.readString(dir.resolve("grading/report.json")));
        assertThat(merged.score()).isEqualTo(200);
        assertThat(Files.readString(summary)).startsWith("## Ops Workbook grading: 200/200");
        assertThat(dir.resolve("grading/report.html")).isRegularFile();

        Files.delete(parts.resolve("ex07-file-service.json"));
        assertThat(bash(script, env)).startsWith("2:").contains("error: " + parts.resolve("ex07-file-service.json")
                + " does not exist");
    }

    @Test
    @DisplayName("actionlint finds no problem in any workflow (scripts/lint-workflows.sh)")
    void actionlint() throws Exception {
        String out = run(List.of("scripts/lint-workflows.sh"), Map.of());
        Assumptions.assumeFalse(out.startsWith("2:"), () -> "actionlint could not be installed here: " + out);
        assertThat(out).startsWith("0:").contains("actionlint: 0 problem(s) in ");
    }

    // ---- helpers ----

    private static Map<String, Object> load(String file) throws IOException {
        Object yaml = new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(WORKFLOWS.resolve(file), StandardCharsets.UTF_8));
        return map(yaml);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).as("a YAML mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(Map<String, Object> job) {
        assertThat(job.get("steps")).isInstanceOf(List.class);
        return (List<Map<String, Object>>) job.get("steps");
    }

    private static List<String> needs(Map<String, Object> job) {
        Object needs = job.get("needs");
        if (needs == null) {
            return List.of();
        }
        return needs instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(needs));
    }

    /** The run script of the step of {@code job} with that id, or of its step that runs grade.sh merge. */
    private static String step(Map<String, Object> jobs, String job, @Nullable String id) {
        return steps(map(jobs.get(job))).stream()
                .filter(s -> id == null ? String.valueOf(s.get("run")).contains("grade.sh merge") : id.equals(s.get("id")))
                .map(s -> String.valueOf(s.get("run"))).findFirst().orElseThrow();
    }

    /** Every steps.X.outputs.Y, needs.X.outputs.Y and matrix.K read in {@code node}'s expressions. */
    private static List<String[]> references(Object node) {
        List<String[]> refs = new ArrayList<>();
        strings(node, s -> {
            Matcher e = EXPRESSION.matcher(s);
            while (e.find()) {
                Matcher r = REFERENCE.matcher(e.group(1));
                while (r.find()) {
                    refs.add(new String[] {r.group(1) == null ? "matrix" : r.group(1), r.group(2), r.group(3), r.group(4)});
                }
            }
        });
        return refs;
    }

    private static void strings(Object node, java.util.function.Consumer<String> sink) {
        if (node instanceof String s) {
            sink.accept(s);
        } else if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                strings(k, sink);
                strings(v, sink);
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> strings(v, sink));
        }
    }

    /** shellcheck on a step's script, each expression replaced by a plain word, as the runner substitutes text. */
    private void shellcheck(String where, String run) throws Exception {
        Path script = dir.resolve("step.sh");
        Files.writeString(script, "#!/usr/bin/env bash\n" + EXPRESSION.matcher(run).replaceAll("gha_expression"));
        assertThat(run(List.of("shellcheck", "-s", "bash", script.toString()), Map.of())).as(where + ": " + run)
                .isEqualTo("0:");
    }

    private String bash(String script, Map<String, String> env) throws Exception {
        return run(List.of("bash", "-euo", "pipefail", "-c", script), env);
    }

    private String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String text;
        try (InputStream in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("%s ends", command).isTrue();
        return p.exitValue() + ":" + text;
    }
}
