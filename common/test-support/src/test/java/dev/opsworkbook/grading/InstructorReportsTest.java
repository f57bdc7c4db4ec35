package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The instructors' outputs made from a finished report: {@code grade.sh --html}, {@code --classroom},
 * {@code grade.sh merge} and the chart {@code bench.sh} draws. They are fed reports and JMH results recorded from
 * real runs (src/test/resources/reports: {@code grade.sh --task 1 ex05} and {@code ex01} on the skeletons,
 * {@code grade.sh --solutions ex05} and {@code ex07}, {@code bench.sh --solutions ex07}) rather than grading again.
 */
@DisplayName("Instructors' reports")
@Timeout(120)
class InstructorReportsTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path REPORTS = Path.of("src/test/resources/reports").toAbsolutePath();
    /** Test output that must reach the page as text, never as markup. */
    private static final String HOSTILE = "expected: <script>alert('x')</script> & \"quotes\" ]]> \u0001 </pre>";

    @TempDir
    Path dir;

    @Test
    @DisplayName("the HTML page is well-formed, self-contained, runs no script, and shows the scoreboard, each failing"
            + " test with task, message and hint, the durations and the benchmark chart")
    void htmlPage() throws Exception {
        Results.Report report = withHostileExercise(read("ex05-task1-learner.json"));
        Path bench = Files.createDirectories(dir.resolve("bench"));
        Files.writeString(bench.resolve("ex05-safe-exec.svg"), chart(), StandardCharsets.UTF_8);
        Path page = dir.resolve("out/report.html");
        Files.writeString(dir.resolve("report.json"), Json.write(report), StandardCharsets.UTF_8);

        assertThat(cli("render", dir.resolve("report.json").toString(), "--html", page.toString(), "--bench-dir",
                bench.toString())).isEqualTo("0:HTML report: " + page + "\n");

        Document doc = parseXml(Files.readString(page, StandardCharsets.UTF_8));
        assertThat(doc.getElementsByTagName("script").getLength()).as("no script").isZero();
        assertThat(doc.getElementsByTagName("link").getLength()).as("no stylesheet fetched").isZero();
        for (Element e : elements(doc)) {
            for (String attr : List.of("src", "href")) {
                assertThat(e.getAttribute(attr)).as("nothing fetched from the network: %s=", attr)
                        .doesNotContain("//").matches("|#.*|data:image/svg\\+xml;base64,.*|[\\w./-]+");
            }
            for (int i = 0; i < e.getAttributes().getLength(); i++) {
                assertThat(e.getAttributes().item(i).getNodeName()).as("no event handler").doesNotStartWith("on");
            }
        }
        String text = doc.getDocumentElement().getTextContent();
        assertThat(text).contains("Ops Workbook grading: 3/125", "task 1 only", "0 of 11", "FAIL", "ERROR",
                "Task 1: run a command safely › an invalid request is rejected with an IllegalArgumentException",
                "task 1 · 0/4 points · 2.1 s", "Not implemented yet",
                "Hint: Check the request before starting anything, and say precisely what is wrong",
                "All 11 tests, with their points and durations", "Open the chart",
                "expected: <script>alert('x')</script> & \"quotes\" ]]> \uFFFD </pre>", "Hint: <b>read</b> the README");
        String link = doc.getElementsByTagName("a").item(doc.getElementsByTagName("a").getLength() - 1)
                .getAttributes().getNamedItem("href").getNodeValue();
        assertThat(page.getParent().resolve(link).normalize()).isEqualTo(bench.resolve("ex05-safe-exec.svg"));
        String img = ((Element) doc.getElementsByTagName("img").item(0)).getAttribute("src");
        assertThat(new String(Base64.getDecoder().decode(img.substring(img.indexOf(',') + 1)), StandardCharsets.UTF_8))
                .isEqualTo(chart());
    }

    @Test
    @DisplayName("the page and the chart render in headless Chromium: not blank, the chart's bars drawn, the text"
            + " on the printed page")
    void rendersInChromium() throws Exception {
        Path page = dir.resolve("report.html");
        Results.Report report = withHostileExercise(read("ex05-task1-learner.json"));
        Path bench = Files.createDirectories(dir.resolve("bench"));
        Files.writeString(bench.resolve("ex05-safe-exec.svg"), chart(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.json"), Json.write(report), StandardCharsets.UTF_8);
        assertThat(cli("render", dir.resolve("report.json").toString(), "--html", page.toString(), "--bench-dir",
                bench.toString())).startsWith("0:");
        // Installs Chromium and pdftotext when missing (root on Debian), as the peer checks do.
        assertThat(run(ROOT, "bash", "-c", ". scripts/lib.sh && ensure_tool chromium chromium"
                + " && ensure_tool pdftotext poppler-utils")).isEqualTo("0:");

        Path png = dir.resolve("page.png");
        chromium("--screenshot=" + png, "--window-size=1200,3000", page.toUri().toString());
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image).as("a PNG screenshot").isNotNull();
        assertThat(image.getWidth()).isEqualTo(1200);
        int background = image.getRGB(2, 2);
        long painted = 0;
        long referenceBar = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                painted += rgb != (background & 0xFFFFFF) ? 1 : 0;
                referenceBar += rgb == 0xDD6B20 ? 1 : 0; // the chart's colour for the reference's bars
            }
        }
        assertThat(painted).as("pixels other than the background").isGreaterThan(20_000);
        assertThat(referenceBar).as("the chart's bars, drawn from the embedded SVG").isGreaterThan(100);

        Path pdf = dir.resolve("page.pdf");
        chromium("--print-to-pdf=" + pdf, "--no-pdf-header-footer", page.toUri().toString());
        String printed = run(dir, "pdftotext", "-layout", pdf.toString(), "-");
        assertThat(printed).startsWith("0:").contains("Ops Workbook grading: 3/125", "ex05-safe-exec",
                "Not implemented yet", "Hint:", "<script>alert('x')</script>", "2.1 s");
    }

    @Test
    @DisplayName("the Classroom payload is base64 of version 1, status, max_score and every test with name, status,"
            + " score, message and line, and its points add up to the report's")
    void classroomPayload() throws Exception {
        for (String name : List.of("ex05-task1-learner.json", "ex05-solutions.json")) {
            Results.Report report = read(name);
            checkPayload(report, ClassroomPayload.encode(report));
        }
        Results.Report hostile = withHostileExercise(read("ex05-task1-learner.json"));
        String encoded = ClassroomPayload.encode(hostile);
        Map<String, Object> payload = checkPayload(hostile, encoded);
        assertThat(payload.get("status")).isEqualTo("error");
        List<Map<String, Object>> tests = tests(payload);
        assertThat(tests).filteredOn(t -> "ex99-hostile › the exercise as a whole".equals(t.get("name")))
                .singleElement().satisfies(t -> {
                    assertThat(t.get("status")).isEqualTo("error");
                    assertThat(t.get("score")).isEqualTo(3L);
                    assertThat((String) t.get("message")).startsWith("the suite holds tests worth 7 points");
                });
        assertThat(tests).filteredOn(t -> String.valueOf(t.get("name")).startsWith("ex99-hostile › Task 1"))
                .allSatisfy(t -> assertThat(t.get("score")).as("tests of an exercise in error earn nothing").isEqualTo(0L));
        assertThat(tests).filteredOn(t -> String.valueOf(t.get("name")).contains("an invalid request is rejected"))
                .singleElement().satisfies(t -> {
                    assertThat((String) t.get("message")).contains("not implemented yet", "hint: Check the request");
                    assertThat(t.get("test_code")).isEqualTo("scripts/grade.sh ex05-safe-exec --task 1");
                });

        // Linux caps one environment string (how the reporter receives the payload) at 128 KiB: first the messages
        // go, then the tests are summed up per exercise.
        List<Results.Test> verbose = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            verbose.add(new Results.Test("test " + i, Results.FAIL, "z".repeat(390) + "\n" + "w".repeat(390), null, 1, 0, 1,
                    5, "a hint", false));
        }
        Results.Report wordy = new Results.Report(1, "exercises", null, 0, 250, List.of(
                new Results.Exercise(3, "ex43-wordy", Results.FAIL, null, 0, 250, verbose)));
        String wordyPayload = ClassroomPayload.encode(wordy);
        assertThat(wordyPayload.length()).isLessThanOrEqualTo(ClassroomPayload.MAX_ENCODED);
        assertThat(tests(checkPayload(wordy, wordyPayload))).hasSize(250)
                .allSatisfy(t -> assertThat(t.get("message")).isEqualTo(""));
        List<Results.Test> many = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            many.add(new Results.Test("test " + i, Results.FAIL, "x".repeat(300) + "\n".repeat(3) + "y".repeat(300), null,
                    1, 0, 1, 5, "a hint that is rather long too ".repeat(5), false));
        }
        Results.Report big = new Results.Report(1, "exercises", null, 0, 600, List.of(
                new Results.Exercise(3, "ex42-big", Results.FAIL, null, 0, 600, many)));
        String bigPayload = ClassroomPayload.encode(big);
        assertThat(bigPayload.length()).isLessThanOrEqualTo(ClassroomPayload.MAX_ENCODED);
        assertThat(tests(checkPayload(big, bigPayload))).singleElement().satisfies(t -> {
            assertThat(t.get("name")).isEqualTo("ex42-big › all tests");
            assertThat(t.get("message")).isEqualTo("0 of 600 tests pass; the HTML or JSON report lists them");
        });
    }

    @Test
    @DisplayName("grade.sh merge adds up two real per-exercise reports into one, with every output")
    void mergeAddsUp() throws Exception {
        Path merged = dir.resolve("merged.json");
        String out = script("merge", REPORTS.resolve("ex07-solutions.json").toString(),
                REPORTS.resolve("ex05-solutions.json").toString(), "--json", merged.toString(), "--markdown",
                dir.resolve("merged.md").toString(), "--html", dir.resolve("merged.html").toString(), "--classroom",
                dir.resolve("merged.b64").toString());
        assertThat(out).startsWith("0:Ops Workbook grading: reference solutions").contains("Total: 200/200",
                "JSON report: " + merged, "HTML report: ", "Markdown report: ", "GitHub Classroom payload: ");
        Results.Report report = Json.readReport(Files.readString(merged, StandardCharsets.UTF_8));
        assertThat(report.exercises()).extracting(Results.Exercise::slug)
                .containsExactly("ex05-safe-exec", "ex07-file-service");
        assertThat(report.score()).isEqualTo(200);
        assertThat(report.maxScore()).isEqualTo(200);
        assertThat(report.exercises().get(1)).isEqualTo(read("ex07-solutions.json").exercises().getFirst());
        assertThat(Files.readString(dir.resolve("merged.md"))).startsWith("## Ops Workbook grading: 200/200");
        checkPayload(report, Files.readString(dir.resolve("merged.b64")));
        parseXml(Files.readString(dir.resolve("merged.html"), StandardCharsets.UTF_8));

        String learners = script("merge", REPORTS.resolve("ex05-task1-learner.json").toString(),
                REPORTS.resolve("ex01-task1-learner.json").toString(), "--json", merged.toString());
        Results.Report task1 = Json.readReport(Files.readString(merged, StandardCharsets.UTF_8));
        assertThat(learners).startsWith("0:").contains("task 1 only", "Total: 0/55");
        assertThat(task1.maxScore()).isEqualTo(read("ex05-task1-learner.json").maxScore()
                + read("ex01-task1-learner.json").maxScore());
        assertThat(task1.task()).isEqualTo(1);
    }

    @Test
    @DisplayName("grade.sh merge refuses a missing, corrupt, edited, mixed or duplicated input with exit 2 and"
            + " one line that says what to do")
    void mergeRefuses() throws Exception {
        String ex05 = REPORTS.resolve("ex05-solutions.json").toString();
        Path truncated = dir.resolve("truncated.json");
        String whole = Files.readString(Path.of(ex05), StandardCharsets.UTF_8);
        Files.writeString(truncated, whole.substring(0, whole.length() / 2));
        Path edited = dir.resolve("edited.json");
        Files.writeString(edited, whole.replaceFirst("\"score\": 100", "\"score\": 150"));
        Path results = dir.resolve("results.json");
        Files.writeString(results, Json.write(read("ex05-solutions.json").exercises().getFirst()));
        Path missing = dir.resolve("no-such.json");
        String out = dir.resolve("out.json").toString();

        // Through the script once (its exit status and message reach the caller), then in this JVM.
        assertRefused(script("merge", ex05, missing.toString(), "--json", out),
                missing + " does not exist: name a report.json that scripts/grade.sh --json wrote");
        assertRefused(cli("merge", ex05, truncated.toString(), "--json", out),
                truncated + " is not a grading report (");
        assertRefused(cli("merge", results.toString(), "--json", out), results + " is not a grading report (");
        assertRefused(cli("merge", edited.toString(), "--json", out),
                edited + " says 150/100 but its exercises add up to 100/100: the file was edited; grade again");
        assertRefused(cli("merge", ex05, REPORTS.resolve("ex01-task1-learner.json").toString()),
                "grades exercises/ (task 1 only) but " + ex05 + " grades solutions/: merge reports of one kind only");
        assertRefused(cli("merge", ex05, ex05), "ex05-safe-exec is in both " + ex05 + " and " + ex05);
        assertRefused(cli("merge"), "name the reports to merge: scripts/grade.sh merge a.json b.json ...");
        assertRefused(cli("merge", ex05, "--json"), "--json needs a file name, e.g. --json out.json");
        assertRefused(cli("merge", ex05, "--bogus"), "unknown option '--bogus'");
        assertRefused(cli("render", ex05, ex05, "--html", out), "render takes one report.json");
        assertThat(Files.exists(Path.of(out))).as("nothing written").isFalse();

        assertRefused(script("--html"), "--html needs a file name, e.g. --html target/grading/report.html");
        assertRefused(script("ex05", "--classroom", "--json", out), "--classroom needs a file name");
        assertThat(script("--help")).startsWith("0:usage: scripts/grade.sh").contains("--html FILE",
                "--classroom FILE", "scripts/grade.sh merge REPORT.json...");
    }

    @Test
    @DisplayName("bench.sh's chart: one bar per implementation and baseline, the ratio and JMH's error, valid SVG")
    void benchChart() throws Exception {
        List<BenchReport.Result> results = BenchReport.parse("reference",
                Files.readString(REPORTS.resolve("jmh-ex07-reference.json"), StandardCharsets.UTF_8));
        results = new ArrayList<>(results);
        results.addAll(BenchReport.parse("learner", """
                [{"benchmark": "b.B.download_fileService", "mode": "avgt",
                  "primaryMetric": {"score": 150.0, "scoreError": "NaN", "scoreUnit": "us/op"}},
                 {"benchmark": "b.B.download_baselineSocketSendfile", "mode": "avgt",
                  "primaryMetric": {"score": 300.0, "scoreError": 30.0, "scoreUnit": "us/op"}}]
                """));
        List<BenchChart.Bar> bars = BenchChart.bars(results);
        assertThat(bars).extracting(BenchChart.Bar::label).containsExactly(
                "download: fileService vs baselineSocketSendfile", "upload: fileService vs baselineSocketToFile",
                "download: fileService vs baselineSocketSendfile");
        BenchChart.Bar download = bars.getFirst();
        assertThat(download.ratio()).isCloseTo(381.867 / 296.916, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(download.low()).isPositive().isLessThan(download.ratio());
        assertThat(download.high() / download.ratio()).isCloseTo(download.ratio() / download.low(),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bars.get(2).ratio()).isEqualTo(0.5);
        assertThat(bars.get(2).high()).as("JMH gave no error: no whisker").isNaN();

        Document svg = parseXml(BenchChart.svg("ex07 <file-service>", bars));
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagName("script").getLength()).isZero();
        String text = svg.getDocumentElement().getTextContent();
        assertThat(text).contains("ex07 <file-service>", "reference · download: fileService vs baselineSocketSendfile",
                "1.29× (", "learner · download", "0.50× (no error estimate)", "baseline");
        assertThat(svg.getElementsByTagName("path").getLength()).as("two error bars").isEqualTo(2);
        assertThat(parseXml(BenchChart.svg("none", List.of())).getDocumentElement().getTextContent())
                .contains("No implementation was measured beside a baseline");

        // As bench.sh calls it: a learner's run whose methods are still stubs is named under the chart.
        Path log = dir.resolve("learner.log");
        Files.writeString(log, """
                # Benchmark: dev.ow.FooBenchmark.spawn_impl
                # Warmup Iteration   1: <failure>

                java.lang.UnsupportedOperationException: TODO: run the command
                """);
        Path out = dir.resolve("bench/ex42.svg");
        var printed = new java.io.ByteArrayOutputStream();
        assertThat(BenchChart.run(List.of(out.toString(), "ex42", "learner", dir.resolve("none.json").toString(),
                log.toString(), "reference", REPORTS.resolve("jmh-ex07-reference.json").toString(),
                dir.resolve("none.log").toString()), new java.io.PrintStream(printed, true, StandardCharsets.UTF_8)))
                .isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("Chart: " + out + "\n");
        assertThat(parseXml(Files.readString(out)).getDocumentElement().getTextContent())
                .contains("learner · spawn_impl: not implemented yet, no bar", "reference · upload: fileService");
    }

    // ---- helpers ----

    private static Results.Report read(String name) throws IOException {
        return Json.readReport(Files.readString(REPORTS.resolve(name), StandardCharsets.UTF_8));
    }

    /** {@code report} plus an exercise in error whose messages, hints and names carry markup and a control character. */
    private static Results.Report withHostileExercise(Results.Report report) {
        List<Results.Exercise> exercises = new ArrayList<>(report.exercises());
        Results.Exercise hostile = new Results.Exercise(3, "ex99-hostile", Results.FAIL, null, 3, 7, List.of(
                new Results.Test("Task 1: <b>bold</b> › passes", Results.PASS, null, null, 1, 3, 3, 12, null, false),
                new Results.Test("Task 1: <i>x</i> › compares", Results.FAIL, HOSTILE, "<out>", 1, 0, 4, 1500,
                        "<b>read</b> the README", false)))
                .asError("the suite holds tests worth 7 points, but every exercise is worth 100", 100);
        exercises.add(hostile);
        return new Results.Report(report.version(), report.graded(), report.task(), report.score() + 3,
                report.maxScore() + 100, exercises);
    }

    private static String chart() throws IOException {
        return BenchChart.svg("ex05-safe-exec", BenchChart.bars(BenchReport.parse("reference",
                Files.readString(REPORTS.resolve("jmh-ex07-reference.json"), StandardCharsets.UTF_8))));
    }

    /** Decodes, parses and checks the payload's shape and totals against {@code report}; returns it. */
    private static Map<String, Object> checkPayload(Results.Report report, String encoded) {
        assertThat(encoded).matches("[A-Za-z0-9+/=]+");
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) Json.parse(
                new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        assertThat(payload).containsOnlyKeys("version", "status", "max_score", "tests");
        assertThat(payload.get("version")).isEqualTo(1L);
        assertThat(payload.get("status")).isIn("pass", "fail", "error");
        assertThat(payload.get("max_score")).isEqualTo(report.maxScore());
        List<Map<String, Object>> tests = tests(payload);
        long graded = report.exercises().stream().mapToLong(e -> e.tests().size()).sum();
        boolean perExercise = tests.size() == report.exercises().size()
                && tests.stream().allMatch(t -> String.valueOf(t.get("name")).endsWith(" › all tests"));
        if (!perExercise) {
            assertThat(tests.size()).isBetween((int) graded, (int) graded + report.exercises().size());
        }
        long points = 0;
        for (Map<String, Object> t : tests) {
            assertThat(t).containsOnlyKeys("name", "status", "score", "message", "test_code", "filename", "line_no",
                    "duration");
            assertThat(t.get("status")).isIn("pass", "fail", "error");
            assertThat(t.get("line_no")).isEqualTo(0L);
            assertThat(t.get("name")).asString().contains(" › ");
            points += (Long) t.get("score");
        }
        assertThat(points).as("the points Classroom adds up").isEqualTo(report.score());
        boolean allPass = report.exercises().stream().allMatch(e -> Results.PASS.equals(e.status()));
        assertThat(payload.get("status").equals("pass")).isEqualTo(allPass);
        return payload;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tests(Map<String, Object> payload) {
        return (List<Map<String, Object>>) payload.get("tests");
    }

    private static Document parseXml(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        var builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> elements(Document doc) {
        NodeList all = doc.getElementsByTagName("*");
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            list.add((Element) all.item(i));
        }
        return list;
    }

    private static void assertRefused(String result, String line) {
        assertThat(result).startsWith("2:error: ").contains(line).endsWith("\n").containsOnlyOnce("\n");
    }

    private void chromium(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--user-data-dir=" + dir.resolve("chromium-profile")));
        command.addAll(List.of(args));
        assertThat(run(dir, command.toArray(String[]::new))).startsWith("0:");
    }

    /** The kit's command line, in this JVM. */
    private static String cli(String... args) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int code = ReportFiles.run(args[0], List.of(args).subList(1, args.length),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        return code + ":" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private String script(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/grade.sh"));
        command.addAll(List.of(args));
        return run(ROOT, command.toArray(String[]::new));
    }

    /** Runs {@code command} in {@code cwd}; its exit code, ':', and its output (stdout, then stderr interleaved). */
    private String run(Path cwd, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("HOME", dir.toString()); // Chromium's caches and crash reports stay in the temp dir
        Process p = pb.start();
        String text;
        try (InputStream in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ends", command[0]).isTrue();
        if (command[0].equals("chromium")) {
            return p.exitValue() + ":"; // Chromium chatters on stderr about D-Bus in a container: not a failure
        }
        return p.exitValue() + ":" + text;
    }
}
