package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code results.json} for a graded suite: an Exercism v3 superset with points.
 *
 * <p>Registered through {@code META-INF/services}, so every suite gets it without configuration.
 * It is active only for test plans that contain {@link Points}-annotated tests.
 *
 * <p>Integrity: the whole inventory of graded tests is written <em>before</em> anything runs, each
 * marked as not run, and the file is rewritten after every test. A JVM that dies mid-run (a learner's
 * {@code System.exit}, a crash, a kill) therefore leaves a report in which the unfinished tests score
 * nothing. The score only ever comes from JUnit's own events: text a learner prints is captured into
 * {@code output} and never parsed.
 */
public final class GradingListener implements TestExecutionListener {

    /** Configuration parameter: where to write the report. */
    public static final String RESULTS_FILE = "grading.results.file";
    /** Configuration parameter: the exercise slug written into the report. */
    public static final String SLUG = "grading.slug";

    static final int MAX_OUTPUT_CHARS = 500;
    static final int MAX_MESSAGE_CHARS = 4000;
    static final String NOT_RUN = "not run: the test JVM stopped before this test started"
            + " (System.exit was called, the JVM crashed, or the run was killed)";
    static final String DIED_RUNNING = "the test JVM stopped while this test was running:"
            + " did the code call System.exit, or crash the JVM?";

    private final Map<String, Unit> units = new ConcurrentHashMap<>();
    private final List<Unit> inventory = new ArrayList<>();
    // Set when a graded plan starts; every callback returns at once while plan is null (a plan without points).
    @SuppressWarnings("NullAway.Init")
    private TestPlan plan;
    @SuppressWarnings("NullAway.Init")
    private Path file;
    @SuppressWarnings("NullAway.Init")
    private String slug;
    private @Nullable ResultsStream stream;

    /** One graded test: a test method, or a parameterized/repeated/factory method as a whole. */
    private static final class Unit {
        final String id;
        final String name;
        final @Nullable Integer task;
        final int points;
        final @Nullable String hint;
        final int order;
        /** Position in the report (and in the grading channel's plan). */
        int index;
        String status = "error";
        @Nullable String message = NOT_RUN;
        boolean notImplemented;
        final StringBuilder output = new StringBuilder();
        long startNanos;
        long durationMs;
        @Nullable String firstChildFailure;
        int failedChildren;
        boolean finished;

        Unit(String id, String name, @Nullable Integer task, int points, @Nullable String hint, int order) {
            this.id = id;
            this.name = name;
            this.task = task;
            this.points = points;
            this.hint = hint;
            this.order = order;
        }
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        List<Unit> found = new ArrayList<>();
        for (TestIdentifier root : testPlan.getRoots()) {
            collect(testPlan, root, found);
        }
        if (found.stream().noneMatch(u -> u.points > 0)) {
            return; // not a graded suite (e.g. the kit's own tests)
        }
        this.plan = testPlan;
        this.file = Path.of(testPlan.getConfigurationParameters().get(RESULTS_FILE)
                .orElse("target/grading/results.json"));
        this.slug = testPlan.getConfigurationParameters().get(SLUG)
                .orElseGet(() -> Path.of("").toAbsolutePath().getFileName().toString());
        found.sort(Comparator.comparingInt((Unit u) -> u.order));
        inventory.addAll(found);
        for (int i = 0; i < inventory.size(); i++) {
            inventory.get(i).index = i;
        }
        found.forEach(u -> units.put(u.id, u));
        // Before any test runs: the grader's copy of the inventory and of every result (see ResultsStream).
        stream = ResultsStream.connect(testPlan.getConfigurationParameters().get(ResultsStream.COLLECTOR)
                .orElseGet(() -> System.getenv(ResultsStream.COLLECTOR_ENV)), slug);
        if (stream != null) {
            stream.send(List.of("plan", inventory.stream().map(u -> List.of(u.name, u.points)).toList()));
        }
        write();
    }

    private void collect(TestPlan testPlan, TestIdentifier id, List<Unit> found) {
        Optional<TestSource> source = id.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource ms) {
            found.add(unitFor(testPlan, id, ms, found.size()));
            return; // invocations of a parameterized test belong to this unit
        }
        for (TestIdentifier child : testPlan.getChildren(id)) {
            collect(testPlan, child, found);
        }
    }

    private static Unit unitFor(TestPlan testPlan, TestIdentifier id, MethodSource source, int discovered) {
        Class<?> testClass = source.getJavaClass();
        Method method = source.getJavaMethod();
        Points points = find(method, testClass, Points.class);
        Hint hint = find(method, testClass, Hint.class);
        Integer task = id.getTags().stream()
                .map(t -> t.getName())
                .filter(t -> t.startsWith("task:"))
                .map(t -> parseTask(t.substring("task:".length())))
                .filter(t -> t != null)
                .findFirst().orElse(null);
        // Source order across a file's @Nested classes: top-level class first, then line number.
        int line = SourceOrder.line(method);
        int order = line == Integer.MAX_VALUE ? 1_000_000 + discovered : line;
        order += 10_000_000 * topLevelIndex(testPlan, id);
        return new Unit(id.getUniqueId(), displayPath(testPlan, id), task,
                points == null ? 0 : points.value(), hint == null ? null : hint.value(), order);
    }

    private static @Nullable Integer parseTask(String s) {
        try {
            return Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int topLevelIndex(TestPlan testPlan, TestIdentifier id) {
        TestIdentifier top = id;
        for (Optional<TestIdentifier> p = testPlan.getParent(id); p.isPresent(); p = testPlan.getParent(p.get())) {
            if (p.get().getSource().filter(s -> s instanceof ClassSource).isPresent()) {
                top = p.get();
            }
        }
        TestIdentifier topClass = top;
        List<TestIdentifier> siblings = testPlan.getParent(topClass)
                .map(p -> List.copyOf(testPlan.getChildren(p))).orElse(List.of(topClass));
        return Math.max(0, siblings.indexOf(topClass));
    }

    /** "Nested display › test display": enough context to find the test, without the top-level class. */
    static String displayPath(TestPlan testPlan, TestIdentifier id) {
        List<String> parts = new ArrayList<>();
        parts.add(id.getDisplayName());
        for (Optional<TestIdentifier> p = testPlan.getParent(id); p.isPresent(); p = testPlan.getParent(p.get())) {
            Optional<TestSource> s = p.get().getSource();
            if (s.isPresent() && s.get() instanceof ClassSource cs && cs.getJavaClass().getEnclosingClass() != null) {
                parts.addFirst(p.get().getDisplayName());
            }
        }
        return String.join(" › ", parts);
    }

    /** The annotation on the method, else on its class or the nearest enclosing class. */
    private static <A extends java.lang.annotation.Annotation> @Nullable A find(Method method, Class<?> testClass,
            Class<A> type) {
        A onMethod = method.getAnnotation(type);
        if (onMethod != null) {
            return onMethod;
        }
        for (AnnotatedElement c = testClass; c != null; c = ((Class<?>) c).getEnclosingClass()) {
            A onClass = c.getAnnotation(type);
            if (onClass != null) {
                return onClass;
            }
        }
        return null;
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (plan == null) {
            return;
        }
        Unit unit = units.get(id.getUniqueId());
        if (unit != null) {
            unit.startNanos = System.nanoTime();
            unit.message = DIED_RUNNING;
            write();
        }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        Unit unit = owner(id);
        if (unit == null) {
            return;
        }
        entry.getKeyValuePairs().forEach((key, value) -> {
            if (key.equals("stdout") || key.equals("stderr")) {
                synchronized (unit.output) {
                    unit.output.append(value);
                }
            }
        });
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (plan == null) {
            return;
        }
        for (Unit unit : unitsUnder(id)) {
            finish(unit, "fail", "skipped: " + reason, false);
        }
        write();
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (plan == null) {
            return;
        }
        Unit unit = units.get(id.getUniqueId());
        if (unit != null) {
            unit.durationMs = (System.nanoTime() - unit.startNanos) / 1_000_000;
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (unit.failedChildren == 0) {
                        finish(unit, "pass", null, false);
                    } else {
                        finish(unit, "fail", unit.failedChildren + " invocation(s) failed; the first: "
                                + unit.firstChildFailure, unit.notImplemented);
                    }
                }
                case FAILED -> finish(unit, "fail", describe(result.getThrowable().orElse(null)),
                        isStub(result.getThrowable().orElse(null)));
                case ABORTED -> finish(unit, "fail", "aborted: " + describe(result.getThrowable().orElse(null)),
                        isStub(result.getThrowable().orElse(null)));
            }
            write();
            return;
        }
        Unit owner = owner(id);
        if (owner != null) {
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && id.isTest()) {
                owner.failedChildren++;
                Throwable t = result.getThrowable().orElse(null);
                owner.notImplemented |= isStub(t);
                if (owner.firstChildFailure == null) {
                    owner.firstChildFailure = id.getDisplayName() + ": " + describe(t);
                }
            }
            return;
        }
        // A class-level failure (e.g. @BeforeAll threw): its tests never ran; say why.
        if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
            Throwable t = result.getThrowable().orElse(null);
            for (Unit u : unitsUnder(id)) {
                if (!u.finished) {
                    finish(u, "fail", "the test class failed before this test could pass: " + describe(t), isStub(t));
                }
            }
            write();
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (plan != null) {
            write();
            if (stream != null) {
                stream.send(List.of("end"));
                stream.close();
            }
        }
    }

    private void finish(Unit unit, String status, @Nullable String message, boolean notImplemented) {
        unit.status = status;
        unit.message = message;
        unit.notImplemented = notImplemented;
        unit.finished = true;
        if (stream != null) {
            stream.send(List.of("result", unit.index, status));
        }
    }

    private @Nullable Unit owner(TestIdentifier id) {
        if (plan == null) {
            return null;
        }
        for (Optional<TestIdentifier> p = Optional.of(id); p.isPresent(); p = plan.getParent(p.get())) {
            Unit unit = units.get(p.get().getUniqueId());
            if (unit != null) {
                return unit;
            }
        }
        return null;
    }

    private List<Unit> unitsUnder(TestIdentifier id) {
        List<Unit> under = new ArrayList<>();
        for (Unit unit : inventory) {
            Optional<TestIdentifier> u = Optional.of(plan.getTestIdentifier(unit.id));
            for (Optional<TestIdentifier> p = u; p.isPresent(); p = plan.getParent(p.get())) {
                if (p.get().getUniqueId().equals(id.getUniqueId())) {
                    under.add(unit);
                    break;
                }
            }
        }
        return under;
    }

    /** Whether the failure is the skeleton's {@code UnsupportedOperationException("TODO ...")}. */
    static boolean isStub(@Nullable Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnsupportedOperationException && String.valueOf(c.getMessage()).startsWith("TODO")) {
                return true;
            }
            // AssertJ reports an unexpected exception inside its own message.
            if (String.valueOf(c.getMessage()).contains("UnsupportedOperationException: TODO")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** The failure in a learner's words: type and message, causes, and where in non-framework code. */
    static String describe(@Nullable Throwable t) {
        if (t == null) {
            return "failed without an exception";
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            // JUnit's preemptive timeout: the cause carries the stack of the stuck thread.
            StackTraceElement stuck = t.getCause() == null ? null : firstUserFrame(t.getCause());
            return t.getMessage() + ": the test was stopped. Look for a loop that never ends or a call that blocks"
                    + " forever" + (stuck == null ? "." : ";\n  it was at " + stuck);
        }
        StringBuilder out = new StringBuilder(t instanceof AssertionError && t.getMessage() != null
                ? t.getMessage().strip() : t.toString());
        int depth = 0;
        for (Throwable c = t.getCause(); c != null && depth < 5 && c != c.getCause(); c = c.getCause(), depth++) {
            out.append("\ncaused by: ").append(c);
        }
        StackTraceElement where = firstUserFrame(t);
        if (where != null && !(t instanceof AssertionError)) {
            out.append("\n  at ").append(where);
        }
        return cap(out.toString(), MAX_MESSAGE_CHARS);
    }

    private static @Nullable StackTraceElement firstUserFrame(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            String c = e.getClassName();
            if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("org.junit.")
                    || c.startsWith("org.assertj.") || c.startsWith("org.awaitility."))) {
                return e;
            }
        }
        return null;
    }

    static String cap(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "\n… [" + (s.length() - max) + " more characters]";
    }

    private synchronized void write() {
        int score = 0;
        int max = 0;
        boolean anyFail = false;
        boolean anyNotRun = false;
        List<Results.Test> tests = new ArrayList<>();
        for (Unit u : inventory) {
            max += u.points;
            if (Results.PASS.equals(u.status)) {
                score += u.points;
            } else if (u.finished) {
                anyFail = true;
            } else {
                anyNotRun = true;
            }
            String output;
            synchronized (u.output) {
                output = u.output.isEmpty() ? null : cap(u.output.toString(), MAX_OUTPUT_CHARS);
            }
            tests.add(new Results.Test(u.name, u.status, u.message, output, u.task,
                    Results.PASS.equals(u.status) ? u.points : 0, u.points, u.durationMs, u.hint, u.notImplemented));
        }
        long unfinished = inventory.stream().filter(u -> !u.finished).count();
        Results.Exercise report = new Results.Exercise(Results.EXERCISE_FORMAT, slug,
                anyNotRun ? Results.ERROR : anyFail ? Results.FAIL : Results.PASS,
                anyNotRun ? unfinished + " of " + inventory.size() + " tests did not finish: the test JVM stopped early"
                        + " (System.exit, a crash, or the run was killed)" : null,
                score, max, tests);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.write(report), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write grading results to " + file, e);
        }
    }
}
