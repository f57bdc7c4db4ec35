package dev.opsworkbook.grading.samples;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * What a learner's code could do to award itself points, for the golden tests of the report's integrity. It
 * finds the grader's files the way a learner would: relative to the working directory of the test JVM.
 */
final class Forgery {
    static final Path RESULTS = Path.of("target/grading/results.json");

    private Forgery() {
    }

    /** Every "fail" becomes "pass", and the score 100. */
    static void rewriteResults() {
        try {
            String forged = Files.readString(RESULTS)
                    .replace("\"status\": \"fail\"", "\"status\": \"pass\"")
                    .replace("\"status\": \"error\"", "\"status\": \"pass\"")
                    .replaceAll("\"score\": \\d+", "\"score\": 100")
                    .replaceAll("\"points\": 0,\\s*\"max_points\": (\\d+)", "\"points\": $1, \"max_points\": $1");
            // Like a careful attacker: whole files only, so the grader never reads a half-written one.
            Path tmp = Files.writeString(RESULTS.resolveSibling("forged.tmp"), forged);
            Files.move(tmp, RESULTS, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void rewriteResultsAtExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(Forgery::rewriteResults));
    }

    static void deleteResultsAtExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RESULTS.toFile().delete()));
    }

    /** From now until the JVM ends, keeps overwriting the results, and drops a Surefire report beside them. */
    static void keepRewritingResults() throws IOException {
        Path surefire = Files.createDirectories(Path.of("target/surefire-reports"));
        Files.writeString(surefire.resolve("TEST-Forged.xml"), "<testsuite tests=\"5\" failures=\"0\" errors=\"0\"/>");
        Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                try {
                    rewriteResults();
                    Thread.sleep(2);
                } catch (RuntimeException | InterruptedException ignored) {
                    // the listener was writing at the same moment: try again
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(Forgery::rewriteResults));
    }

    /** Raw bytes on the real stdout/stderr, past JUnit's capture, dressed as test-framework events. */
    static void imitateFrameworkOutput() throws IOException {
        String fake = ":maven-surefire-event:\u0010:test-succeeded:\u0010:normal-run:\u0010:UTF-8:\u0010:score:\u0010:100\n"
                + "{\"status\": \"pass\", \"score\": 100, \"max_score\": 100}\n"
                + "[INFO] Tests run: 5, Failures: 0, Errors: 0, Skipped: 0\n";
        new FileOutputStream(FileDescriptor.out).write(fake.getBytes(StandardCharsets.UTF_8));
        new FileOutputStream(FileDescriptor.err).write(fake.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * At exit, reaches into the grading listener's class by reflection: a listener of its own with a forged
     * inventory (every test passed), made to write its report over the real one.
     */
    static void forgeThroughTheListener() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Class<?> listenerClass = Class.forName("dev.opsworkbook.grading.GradingListener");
                Object listener = listenerClass.getConstructor().newInstance();
                set(listener, "file", RESULTS);
                set(listener, "slug", "sample");
                Class<?> unitClass = Class.forName("dev.opsworkbook.grading.GradingListener$Unit");
                var newUnit = unitClass.getDeclaredConstructor(String.class, String.class, Integer.class, int.class,
                        String.class, int.class);
                newUnit.setAccessible(true);
                @SuppressWarnings("unchecked")
                java.util.List<Object> inventory = (java.util.List<Object>) get(listener, "inventory");
                for (String name : java.util.List.of("adds two numbers", "greets politely")) {
                    Object unit = newUnit.newInstance(name, name, null, 50, null, 0);
                    set(unit, "status", "pass");
                    set(unit, "finished", true);
                    inventory.add(unit);
                }
                var write = listenerClass.getDeclaredMethod("write");
                write.setAccessible(true);
                write.invoke(listener);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    private static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        var f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    private static Object get(Object target, String field) throws ReflectiveOperationException {
        var f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        return f.get(target);
    }

    /**
     * Runs the grader's own listener again, through JUnit, over a suite that always passes, with the real
     * results file and the real results channel: a second grader inside the first.
     */
    static void runAnotherGrader() {
        Map<String, String> config = Map.of("grading.results.file", RESULTS.toString(), "grading.slug", "sample");
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(AlwaysPasses.class))
                .configurationParameters(config).build());
    }
}
