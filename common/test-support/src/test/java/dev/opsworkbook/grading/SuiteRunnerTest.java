package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SuiteRunner (the bug zoo's way to run a suite without Maven)")
class SuiteRunnerTest {

    private static final String SUITE = "dev.opsworkbook.grading.samples.SomeFailSuite";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Test
    @DisplayName("runs the whole suite and writes the same report shape as under Surefire")
    void wholeSuite() throws IOException {
        assertThat(run("--class", SUITE)).isZero();

        assertThat(statuses()).containsExactly("pass", "fail", "fail", "fail", "pass");
    }

    @Test
    @DisplayName("with --fail-fast, stops at the first failing test and reports the rest as skipped")
    void failFast() throws IOException {
        assertThat(run("--class", SUITE, "--fail-fast")).isZero();

        List<Results.Test> tests = tests();
        assertThat(tests).extracting(Results.Test::status).containsExactly("pass", "fail", "fail", "fail", "fail");
        assertThat(tests.get(1).message()).contains("Good day, Ada");
        assertThat(tests.subList(2, 5)).allSatisfy(t -> assertThat(t.message()).startsWith("skipped"));
    }

    @Test
    @DisplayName("with --only, runs just the test of that report name")
    void onlyOneTest() throws IOException {
        assertThat(run("--class", SUITE, "--only", "greets politely")).isZero();

        assertThat(tests()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("greets politely");
            assertThat(t.status()).isEqualTo("fail");
        });
    }

    @Test
    @DisplayName("with --verdict, writes which test caught the variant, or that none did")
    void verdict() throws IOException {
        Path verdict = dir.resolve("verdict");

        assertThat(run("--class", SUITE, "--only", "greets politely", "--verdict", verdict.toString())).isZero();
        assertThat(Files.readString(verdict)).contains("caught by: greets politely").endsWith("verdict: caught\n");

        assertThat(run("--class", SUITE, "--only", "adds two numbers", "--verdict", verdict.toString())).isZero();
        assertThat(Files.readString(verdict)).contains("every graded test passed").endsWith("verdict: not caught\n");

        assertThat(run("--class", SUITE, "--fail-fast", "--expect", "multiplies", "--verdict", verdict.toString()))
                .isZero();
        assertThat(Files.readString(verdict)).contains("caught by: greets politely", "names: 'multiplies'");
    }

    @Test
    @DisplayName("with --only and a name no test has, says so and exits 3")
    void onlyUnknownTest() throws IOException {
        assertThat(run("--class", SUITE, "--only", "greets rudely")).isEqualTo(3);

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("no test named 'greets rudely'");
    }

    @Test
    @DisplayName("rejects a call without a suite or a results file")
    void usage() {
        assertThatThrownBy(() -> SuiteRunner.run(new String[] {"--slug", "x"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--results");
        assertThatThrownBy(() -> SuiteRunner.run(new String[] {"--class", SUITE, "--config", "novalue"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KEY=VALUE");
    }

    @Test
    @DisplayName("selects test classes by Surefire's default name patterns")
    void surefireNamePatterns() {
        assertThat(List.of("a.b.FooTest", "a.b.FooTests", "a.b.TestFoo", "a.b.FooTestCase", "FooTest"))
                .allMatch(n -> n.matches(SuiteRunner.SUREFIRE_CLASS_NAMES));
        assertThat(List.of("a.b.Foo", "a.b.FooTest$Inner", "a.b.Helper", "a.b.TestFoo$Inner"))
                .noneMatch(n -> n.matches(SuiteRunner.SUREFIRE_CLASS_NAMES));
    }

    private int run(String... args) throws IOException {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--results";
        all[args.length + 1] = dir.resolve("results.json").toString();
        all[args.length + 2] = "--slug";
        all[args.length + 3] = "sample";
        return SuiteRunner.run(all, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private List<String> statuses() throws IOException {
        return tests().stream().map(Results.Test::status).toList();
    }

    private List<Results.Test> tests() throws IOException {
        return Json.readExercise(Files.readString(dir.resolve("results.json"))).tests();
    }
}
