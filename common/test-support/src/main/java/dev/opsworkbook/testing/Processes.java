package dev.opsworkbook.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Whether operating-system processes are really running, as seen from {@code /proc} (Linux).
 *
 * <p>Why not {@link ProcessHandle#isAlive()}: a process that has exited but has not been reaped by its parent is a
 * <em>zombie</em>; the JDK reports it as alive. An orphan adopted by PID 1 stays a zombie until PID 1 reaps it: at
 * once under an init, 1.1-1.7 s later here (PID 1 is a supervisor, not an init), never under a PID 1 that does not
 * wait for children it did not start; so no test may depend on when that happens. A zombie runs no code and holds
 * no pipes, so for every test here it is dead. "Running" means: {@code /proc/<pid>} exists and its state (the
 * field after the command name in {@code /proc/<pid>/stat}) is neither {@code Z} (zombie) nor {@code X} (dead).
 */
public final class Processes {

    private Processes() {
    }

    /** Whether {@code pid} is a process that still runs code (not gone, not a zombie). */
    public static boolean isRunning(long pid) {
        return state(pid).map(s -> s != 'Z' && s != 'X' && s != 'x').orElse(false);
    }

    /**
     * The state letter of {@code pid} from {@code /proc/<pid>/stat} ({@code R}, {@code S}, {@code D},
     * {@code T}, {@code Z}, ...), or empty when the process is gone.
     */
    public static Optional<Character> state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            // "pid (comm) S ...": comm may contain spaces and parentheses, so look after the LAST ')'.
            int close = stat.lastIndexOf(')');
            if (close < 0 || close + 2 >= stat.length()) {
                return Optional.empty();
            }
            return Optional.of(stat.charAt(close + 2));
        } catch (IOException | SecurityException e) {
            // NoSuchFileException, or ESRCH while reading: the process has gone away.
            return Optional.empty();
        }
    }

    /**
     * The command line of {@code pid} ({@code /proc/<pid>/cmdline}, arguments separated by spaces), or
     * a placeholder when it is gone or a zombie (whose command line is empty).
     */
    public static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String line = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            if (!line.isEmpty()) {
                return line;
            }
        } catch (IOException | SecurityException e) {
            // fall through
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("<unknown command>");
    }

    /** "pid 1234 (sleep 30)": how a process is named in failure messages. */
    public static String describe(long pid) {
        return "pid " + pid + " (" + commandLine(pid) + ")";
    }

    /** Servers a fixture runs for a whole test class (see {@link TestRedis}): never a test's own child process. */
    private static final Set<Long> FIXTURE_OWNED = ConcurrentHashMap.newKeySet();

    /**
     * The descendants of this JVM (children, grandchildren, ...) that are still running, except the servers that
     * fixtures run for a whole test class.
     */
    public static List<ProcessHandle> runningDescendants() {
        return ProcessHandle.current().descendants()
                .filter(h -> !FIXTURE_OWNED.contains(h.pid()) && isRunning(h.pid()))
                .toList();
    }

    static void ownedByFixture(long pid) {
        FIXTURE_OWNED.add(pid);
    }

    static void releasedByFixture(long pid) {
        FIXTURE_OWNED.remove(pid);
    }

    /**
     * The running processes whose environment holds the variable {@code name=value}, found by reading every
     * {@code /proc/<pid>/environ} this user may read. A variable given to a process is inherited by everything it
     * starts, so this finds a whole process tree by a marker, also the processes that left it (re-parented to
     * PID 1, out of sight of {@link ProcessHandle#descendants()}). A zombie's environment reads as empty.
     */
    public static List<Long> runningWithEnvironment(String name, String value) {
        String entry = "\0" + name + "=" + value + "\0";
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : proc) {
                String environ;
                try {
                    environ = "\0" + new String(Files.readAllBytes(dir.resolve("environ")), StandardCharsets.ISO_8859_1) + "\0";
                } catch (IOException | SecurityException e) {
                    continue; // gone, or not ours to read
                }
                long pid = Long.parseLong(dir.getFileName().toString());
                if (environ.contains(entry) && isRunning(pid)) {
                    found.add(pid);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            throw new AssertionError("cannot list /proc to find the processes marked " + name + "=" + value, e);
        }
        return found;
    }

    /**
     * Waits until none of {@code pids} is running, or fails with an {@link AssertionError} that lists the
     * survivors with their command lines.
     */
    public static void awaitAllDead(Collection<Long> pids, Duration timeout) {
        List<Long> copy = List.copyOf(pids);
        try {
            await().pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .atMost(Processes.positive(timeout))
                    .until(() -> survivors(copy).isEmpty());
        } catch (ConditionTimeoutException e) {
            List<Long> alive = survivors(copy);
            if (alive.isEmpty()) {
                return; // died just after the last poll
            }
            throw new AssertionError(alive.size() + " of " + copy.size() + " processes were still running "
                    + timeout.toMillis() + " ms later, expected all of them dead: "
                    + alive.stream().map(Processes::describe).collect(Collectors.joining(", ")));
        }
    }

    /** The ones of {@code pids} that are still running. */
    public static List<Long> survivors(Collection<Long> pids) {
        return pids.stream().filter(Processes::isRunning).toList();
    }

    /**
     * Sends SIGKILL to each of {@code pids} that is still running, ignoring those that are gone. Meant
     * for test cleanup: an orphan that left the JVM's process tree is out of reach of
     * {@link ProcessHandle#descendants()}, so a test that created one kills it by pid.
     */
    public static void killQuietly(Collection<Long> pids) {
        for (long pid : pids) {
            if (isRunning(pid)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * The pids a script wrote to {@code file}, one decimal number per line (as {@code echo $$ >> file}
     * does). Only complete lines count, so a line being written is not misread; an absent file is an
     * empty list.
     */
    public static List<Long> readPids(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<Long> pids = new ArrayList<>();
        int end = content.lastIndexOf('\n');
        if (end < 0) {
            return pids;
        }
        for (String line : content.substring(0, end).split("\n", -1)) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                try {
                    pids.add(Long.parseLong(trimmed));
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("not a pid in " + file + ": '" + trimmed + "'", e);
                }
            }
        }
        return pids;
    }

    /**
     * Waits until {@code file} holds at least {@code count} pids (see {@link #readPids}) and returns
     * them; fails with an {@link AssertionError} saying how many it saw.
     */
    public static List<Long> awaitPids(Path file, int count, Duration timeout) {
        try {
            return await().pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .atMost(Processes.positive(timeout))
                    .until(() -> readPids(file), pids -> pids.size() >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("expected " + count + " pids in " + file + " within " + timeout.toMillis()
                    + " ms, found " + readPids(file));
        }
    }

    /** Awaitility needs a timeout longer than its (zero) poll delay: a zero timeout still polls once. */
    static Duration positive(Duration timeout) {
        return timeout.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : timeout;
    }
}
