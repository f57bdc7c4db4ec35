package dev.opsworkbook.grading;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.ClasspathRootSelector;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherExecutionRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a graded suite on the JUnit Platform without Maven, in the calling JVM: what {@code verify.sh} uses to
 * run each bug-zoo variant, and what the kit's golden tests use to run their sample suites.
 *
 * <p>The JUnit configuration (timeouts, source order, output capture) is the kit's
 * {@code junit-platform.properties}, the same file Surefire reads, and the {@link GradingListener} registers
 * itself as under Surefire; so {@code results.json} is the one a Maven run would write. Test classes are
 * chosen by Surefire's default name patterns, so both runs grade the same inventory.
 */
public final class SuiteRunner {

    static final String USAGE = """
            usage: SuiteRunner (--classes DIR | --class NAME) --results FILE --slug SLUG [--only TEST] [--fail-fast]
                               [--tag TAG] [--verdict FILE [--expect TEST]] [--config KEY=VALUE]...
              --classes DIR   the compiled suite (its test-classes folder); --class NAME: one test class
              --only TEST     run only the test with this report name ("Nested › display name")
              --fail-fast     stop at the first failing test; the rest are reported as skipped
              --tag TAG       run only the tests with this tag (task:2 grades task 2, as grade.sh --task 2)
              --verdict FILE  afterwards, write the bug-zoo verdict there (which test caught the variant, if any;
                              --expect names the test that should have, as check-caught --expect does)
            Exit status: 0 the suite ran (whatever its results), 2 usage error, 3 --only names no test.""";

    /** Surefire's default includes: Test*, *Test, *Tests, *TestCase (nested classes follow their outer class). */
    static final String SUREFIRE_CLASS_NAMES = "^(.*\\.)?(Test[^.$]*|[^.$]*Tests?|[^.$]*TestCase)$";

    private SuiteRunner() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--standby")) {
            args = standby();
        }
        int status;
        try {
            status = run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            status = 2;
        }
        System.exit(status); // a runaway test thread must not keep this JVM alive
    }

    /**
     * {@code --standby}: what watch.sh keeps ready for its next round. Loads the launcher, the engine and AssertJ
     * (most of a short run's time), then waits for the round's arguments on stdin, one per line, up to an empty
     * line. Nothing from the classes under test is loaded before then: they may not even be compiled yet.
     */
    private static String[] standby() throws IOException {
        Launcher launcher = LauncherFactory.create();
        launcher.discover(request(List.of(selectClass(SuiteRunner.class)), Map.of(), List.of()));
        try {
            Class.forName("org.assertj.core.api.Assertions");
        } catch (ClassNotFoundException e) {
            // a suite without AssertJ: nothing to warm up
        }
        List<String> args = new ArrayList<>();
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            args.add(line);
        }
        if (args.isEmpty()) {
            System.exit(0); // not needed after all
        }
        return args.toArray(String[]::new);
    }

    static int run(String[] args, PrintStream out) throws IOException {
        List<DiscoverySelector> selectors = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        Map<String, String> config = new LinkedHashMap<>();
        String only = null;
        String expected = null;
        Path verdict = null;
        boolean failFast = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--fail-fast" -> failFast = true;
                case "--classes" -> selectors.addAll(selectClasspathRoots(Set.of(Path.of(value(args, ++i, option)))));
                case "--class" -> selectors.add(selectClass(value(args, ++i, option)));
                case "--results" -> config.put(GradingListener.RESULTS_FILE, value(args, ++i, option));
                case "--slug" -> config.put(GradingListener.SLUG, value(args, ++i, option));
                case "--tag" -> tags.add(value(args, ++i, option));
                case "--only" -> only = value(args, ++i, option);
                case "--expect" -> expected = value(args, ++i, option);
                case "--verdict" -> verdict = Path.of(value(args, ++i, option));
                case "--config" -> {
                    String pair = value(args, ++i, option);
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--config takes KEY=VALUE, got '" + pair + "'");
                    }
                    config.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
                default -> throw new IllegalArgumentException("unknown argument '" + option + "'");
            }
        }
        if (selectors.isEmpty() || !config.containsKey(GradingListener.RESULTS_FILE)
                || !config.containsKey(GradingListener.SLUG)) {
            throw new IllegalArgumentException("--classes or --class, --results and --slug are required");
        }

        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequest request = request(selectors, config, tags);
        if (only != null) {
            TestPlan plan = launcher.discover(request);
            Optional<TestIdentifier> test = findByReportName(plan, only);
            if (test.isEmpty()) {
                out.println("no test named '" + only + "' in the suite");
                return 3;
            }
            request = request(List.of(selectUniqueId(test.get().getUniqueId())), config, List.of());
        }
        CancellationToken cancel = CancellationToken.create();
        var execution = LauncherExecutionRequestBuilder.request(request).cancellationToken(cancel);
        if (failFast) {
            execution.listeners(new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (id.isTest() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        cancel.cancel(); // what has not started is reported as skipped
                    }
                }
            });
        }
        launcher.execute(execution.build());
        if (verdict != null) {
            // Here rather than in another JVM: the bug zoo runs this once per variant. A variant that ends the
            // JVM early leaves no verdict, and the caller falls back to check-caught on the results file.
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            PrintStream to = new PrintStream(text, true, StandardCharsets.UTF_8);
            boolean caught = GradingChecks.bugCaught(Path.of(config.get(GradingListener.RESULTS_FILE)),
                    expected != null ? expected : only, to);
            to.println(caught ? "verdict: caught" : "verdict: not caught");
            Files.write(verdict, text.toByteArray());
        }
        return 0;
    }

    private static LauncherDiscoveryRequest request(List<? extends DiscoverySelector> selectors,
            Map<String, String> config, List<String> tags) {
        var builder = LauncherDiscoveryRequestBuilder.request().selectors(selectors).configurationParameters(config);
        if (!tags.isEmpty()) {
            builder.filters(TagFilter.includeTags(tags));
        }
        if (selectors.stream().anyMatch(s -> s instanceof ClasspathRootSelector)) {
            builder.filters(ClassNameFilter.includeClassNamePatterns(SUREFIRE_CLASS_NAMES)); // a named class runs as is
        }
        return builder.build();
    }

    /** The graded test whose name in {@code results.json} is {@code name}. */
    static Optional<TestIdentifier> findByReportName(TestPlan plan, String name) {
        List<TestIdentifier> found = new ArrayList<>();
        for (TestIdentifier root : plan.getRoots()) {
            collectMethods(plan, root, found);
        }
        return found.stream().filter(id -> GradingListener.displayPath(plan, id).equals(name)).findFirst();
    }

    private static void collectMethods(TestPlan plan, TestIdentifier id, List<TestIdentifier> found) {
        if (id.getSource().filter(s -> s instanceof MethodSource).isPresent()) {
            found.add(id);
            return;
        }
        for (TestIdentifier child : plan.getChildren(id)) {
            collectMethods(plan, child, found);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
