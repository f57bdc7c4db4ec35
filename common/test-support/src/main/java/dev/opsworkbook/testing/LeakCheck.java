package dev.opsworkbook.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test after which something it started is still there: a platform thread, a running child
 * process, or an open pipe, socket or file.
 *
 * <p>Use it on every graded test class, either way:
 * <pre>{@code
 * @ExtendWith(LeakCheck.class)
 * class MyTest { ... }
 *
 * @RegisterExtension
 * static final LeakCheck leaks = LeakCheck.ignoringThreads("my-shared-pool-.*");
 * }</pre>
 *
 * <p>Before each test it takes a {@link Snapshot}; after each test (after the test's own
 * {@code @AfterEach} methods, so their cleanup counts) it waits up to {@link #DEFAULT_SETTLE} for
 * everything new to go away (threads finish, the JDK closes streams), and then fails with a message
 * listing what is left. Child processes still running at that point are killed (SIGKILL) so that the
 * next test starts clean. The same check is available inside a test through {@link #snapshot()} and
 * {@link #assertNoLeaksSince(Snapshot)}.
 *
 * <p>What is not a leak, and why:
 * <ul>
 *   <li>Threads that existed before the test, and virtual threads (a virtual thread that never ends
 *       still shows up as a leaked pipe or process; the JDK does not list virtual threads).</li>
 *   <li>JDK and tool infrastructure threads that are pooled or started lazily, so that the first test
 *       to trigger them would otherwise be blamed: see {@link #INFRASTRUCTURE_THREADS}. For example
 *       the JDK's {@code process reaper} threads wait for child processes and then idle in a pool for
 *       a minute; the virtual-thread scheduler's carrier threads idle for 30 s; JUnit runs each test
 *       with a timeout in a {@code junit-timeout-thread-N}.</li>
 *   <li>Descriptors other than pipes, sockets and regular files ({@code anon_inode:[eventpoll]} and
 *       such belong to the JDK's I/O pollers), files of the JDK itself ({@code java.home}),
 *       {@code .jar}/{@code .jmod} files and the {@code modules} image (class loading opens them
 *       lazily), and {@code /dev}, {@code /proc} and {@code /sys}.</li>
 *   <li>Zombie processes (they run nothing; see {@link Processes}). Processes that have left the
 *       JVM's process tree (orphans adopted by PID 1) cannot be seen; a test that creates one on
 *       purpose kills it itself.</li>
 * </ul>
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {

    /** How long the check waits for things to settle after a test. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(5);

    /** Name patterns of JDK, JUnit and build-tool threads that are never blamed on a test. */
    public static final List<Pattern> INFRASTRUCTURE_THREADS = Stream.of(
                    // JDK: waits for child processes, idles in a cached pool afterwards.
                    "process reaper.*",
                    // JDK system threads, some started lazily (Attach Listener when jcmd attaches).
                    "Reference Handler", "Finalizer", "Signal Dispatcher", "Attach Listener",
                    "Notification Thread", "Common-Cleaner", "Cleaner-\\d+",
                    // JDK: virtual-thread scheduler helpers, the common pool, HTTP keep-alive, JFR.
                    "VirtualThread-.*", "ForkJoinPool\\.commonPool-worker-\\d+",
                    "ForkJoinPool(-\\d+|\\.commonPool)-delayScheduler",
                    // JDK: virtual-thread I/O pollers, started the first time a virtual thread blocks on a socket.
                    "MasterPoller", "Read-Poller", "Write-Poller",
                    "Keep-Alive-Timer", "Keep-Alive-SocketCleaner", "JFR .*",
                    // JUnit: the per-test timeout runs the test in its own thread; the watcher is shared.
                    "junit-timeout-thread-\\d+", "junit-jupiter-timeout-watcher",
                    // Maven Surefire's forked-JVM plumbing.
                    "surefire-forkedjvm-.*",
                    // Logback's lazily created shared scheduler.
                    "logback-\\d+")
            .map(Pattern::compile)
            .toList();

    static {
        // The JDK's NIO socket dispatcher keeps one socket descriptor open for good (its "pre-close"
        // descriptor), created the first time any socket is used. Creating it here puts it in every
        // snapshot, so the first test that opens a socket is not blamed for it.
        try {
            SocketChannel.open().close();
        } catch (IOException | UnsupportedOperationException e) {
            // no sockets here: nothing to pre-create
        }
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);
    private static final int STACK_FRAMES_SHOWN = 6;

    private final List<Pattern> ignoredThreads;
    private final Duration settle;

    /** The check with the default settings (what {@code @ExtendWith(LeakCheck.class)} uses). */
    public LeakCheck() {
        this(INFRASTRUCTURE_THREADS, DEFAULT_SETTLE);
    }

    private LeakCheck(List<Pattern> ignoredThreads, Duration settle) {
        this.ignoredThreads = List.copyOf(ignoredThreads);
        this.settle = settle;
    }

    /**
     * A check that also ignores threads whose whole name matches one of {@code nameRegexes}: for a
     * pool that a test suite shares on purpose across tests.
     */
    public static LeakCheck ignoringThreads(String... nameRegexes) {
        List<Pattern> patterns = new ArrayList<>(INFRASTRUCTURE_THREADS);
        Arrays.stream(nameRegexes).map(Pattern::compile).forEach(patterns::add);
        return new LeakCheck(patterns, DEFAULT_SETTLE);
    }

    /** This check, waiting up to {@code settle} (instead of {@link #DEFAULT_SETTLE}) after a test. */
    public LeakCheck settlingWithin(Duration settle) {
        return new LeakCheck(ignoredThreads, settle);
    }

    /**
     * What exists at one moment.
     *
     * @param threads     the live platform threads
     * @param processes   the pids of the running descendants of this JVM
     * @param descriptors this JVM's open file descriptors: number to {@code /proc/self/fd} link target
     */
    public record Snapshot(Set<Thread> threads, Set<Long> processes, Map<Integer, String> descriptors) {
    }

    /** Takes a snapshot now. */
    public Snapshot snapshot() {
        Set<Thread> threads = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        threads.addAll(Thread.getAllStackTraces().keySet());
        Set<Long> processes = new HashSet<>();
        Processes.runningDescendants().forEach(h -> processes.add(h.pid()));
        return new Snapshot(Collections.unmodifiableSet(threads), Set.copyOf(processes), openDescriptors());
    }

    /**
     * Waits until nothing new since {@code before} is left, or kills the leaked processes and throws an
     * {@link AssertionError} that describes every leak.
     */
    public void assertNoLeaksSince(Snapshot before) {
        List<String> leaks;
        try {
            leaks = await().pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(25))
                    .atMost(Processes.positive(settle))
                    .until(() -> leaksSince(before), List::isEmpty);
        } catch (ConditionTimeoutException e) {
            leaks = leaksSince(before);
        }
        failOn(before, leaks, "Something the test started was still there " + settle.toMillis()
                + " ms after it ended; a finished run must leave no thread, process or open descriptor behind");
    }

    /**
     * Fails at once, without waiting for anything to settle, if something new since {@code before} is still
     * there: for a contract that says "when it returns, nothing it started is left", checked right after the call
     * returned ({@code moment} says which call, e.g. "when run() returned"). Leaked processes are killed.
     */
    public void assertNoLeaksNow(Snapshot before, String moment) {
        failOn(before, leaksSince(before), "Something was still there " + moment
                + " (checked at that moment: the contract says it leaves no thread, process or open descriptor)");
    }

    private static void failOn(Snapshot before, List<String> leaks, String what) {
        if (leaks.isEmpty()) {
            return;
        }
        List<Long> leakedProcesses = newProcesses(before).stream().map(ProcessHandle::pid).toList();
        Processes.killQuietly(leakedProcesses);
        String killed = leakedProcesses.isEmpty() ? "" : "\n(the leaked processes have now been killed)";
        throw new AssertionError(what + ":\n"
                + leaks.stream().map(l -> "  - " + l).collect(Collectors.joining("\n")) + killed);
    }

    /** Describes, one line per leak (stack frames indented below), what is new since {@code before}. */
    public List<String> leaksSince(Snapshot before) {
        List<String> leaks = new ArrayList<>();
        Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
        threads.forEach((thread, stack) -> {
            if (!before.threads().contains(thread) && thread.isAlive() && !isIgnored(thread)) {
                leaks.add(describe(thread, stack));
            }
        });
        for (ProcessHandle process : newProcesses(before)) {
            leaks.add("child process " + process.pid() + " still running after the test: "
                    + Processes.commandLine(process.pid()));
        }
        openDescriptors().forEach((fd, target) -> {
            if (!target.equals(before.descriptors().get(fd)) && counts(target)
                    && !target.equals(FIXTURE_DESCRIPTORS.get(fd))) {
                leaks.add("file descriptor " + fd + " still open after the test: " + target + explain(target));
            }
        });
        return leaks;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(Snapshot.class, snapshot());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Snapshot before = context.getStore(NAMESPACE).remove(Snapshot.class, Snapshot.class);
        if (before != null) {
            assertNoLeaksSince(before);
        }
    }

    private boolean isIgnored(Thread thread) {
        if (thread == Thread.currentThread() || thread.isVirtual()) {
            return true;
        }
        // The virtual-thread scheduler's carriers are named like any ForkJoinPool's workers.
        if (thread.getClass().getName().equals("jdk.internal.misc.CarrierThread")) {
            return true;
        }
        String name = thread.getName();
        return ignoredThreads.stream().anyMatch(p -> p.matcher(name).matches());
    }

    private static List<ProcessHandle> newProcesses(Snapshot before) {
        return Processes.runningDescendants().stream().filter(h -> !before.processes().contains(h.pid())).toList();
    }

    private static String describe(Thread thread, StackTraceElement[] stack) {
        StringBuilder sb = new StringBuilder("thread '").append(thread.getName()).append("' still running after the test")
                .append(thread.isDaemon() ? " (daemon)" : "").append(", state ").append(thread.getState());
        if (stack.length == 0) {
            sb.append(" (no stack)");
        }
        for (int i = 0; i < Math.min(stack.length, STACK_FRAMES_SHOWN); i++) {
            sb.append("\n      at ").append(stack[i]);
        }
        if (stack.length > STACK_FRAMES_SHOWN) {
            sb.append("\n      ... ").append(stack.length - STACK_FRAMES_SHOWN).append(" more");
        }
        return sb.toString();
    }

    /**
     * Descriptors the JDK holds for a server process that a fixture runs for a whole test class (see
     * {@link TestRedis}): while a child process runs, the JDK keeps a pipe to it open even when all its streams are
     * redirected. Not a test's leak, also when the fixture restarts the server within a test.
     */
    private static final Map<Integer, String> FIXTURE_DESCRIPTORS = new ConcurrentHashMap<>();

    static void ownedByFixture(Map<Integer, String> descriptors) {
        FIXTURE_DESCRIPTORS.putAll(descriptors);
    }

    static void releasedByFixture(Map<Integer, String> descriptors) {
        descriptors.forEach(FIXTURE_DESCRIPTORS::remove);
    }

    /** This JVM's open descriptors, number to link target, from {@code /proc/self/fd}. */
    static Map<Integer, String> openDescriptors() {
        Map<Integer, String> fds = new TreeMap<>();
        Path dir = Path.of("/proc/self/fd");
        if (!Files.isDirectory(dir)) {
            return fds; // not Linux: nothing to compare
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                try {
                    fds.put(Integer.parseInt(entry.getFileName().toString()), Files.readSymbolicLink(entry).toString());
                } catch (NoSuchFileException e) {
                    // closed while we were listing
                } catch (IOException | NumberFormatException e) {
                    // not a descriptor we can name: skip it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    /** Whether a descriptor with this target can be blamed on a test (see the class comment). */
    static boolean counts(String target) {
        if (target.startsWith("pipe:") || target.startsWith("socket:")) {
            return true;
        }
        if (!target.startsWith("/")) {
            return false; // anon_inode:[eventpoll], [eventfd], ...: the JDK's pollers
        }
        String path = target.endsWith(" (deleted)") ? target.substring(0, target.length() - 10) : target;
        String javaHome = System.getProperty("java.home");
        return !(path.startsWith("/dev/") || path.startsWith("/proc/") || path.startsWith("/sys/")
                || (javaHome != null && path.startsWith(javaHome + "/"))
                || path.endsWith(".jar") || path.endsWith(".jmod") || path.endsWith("/modules"));
    }

    private static String explain(String target) {
        if (target.startsWith("pipe:")) {
            return " (a pipe: typically a child process's stdin, stdout or stderr stream that was never"
                    + " read to the end and closed)";
        }
        if (target.startsWith("socket:")) {
            return " (a socket: a connection or server socket that was never closed)";
        }
        return " (a file that was opened and never closed)";
    }
}
