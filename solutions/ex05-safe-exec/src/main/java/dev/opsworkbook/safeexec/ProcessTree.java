package dev.opsworkbook.safeexec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A child and every process it started, and how to stop them all.
 *
 * <p>Each pass reads the process table once and walks it as a parent → children map, from every process of the
 * tree that still runs (a process whose parent died is re-parented to init, but we saw it before). Asking each
 * member for its {@code descendants()} instead re-reads the whole table once per member: minutes for a tree of a
 * few hundred processes on a busy host. Passes repeat until one finds nobody new, but never past a deadline: a tree
 * that keeps forking never stops growing.
 *
 * <p>SIGKILL cannot simply go top-down: a parent that forks after our pass read the table has a child we have not
 * seen, and that child is re-parented to init, out of reach, the moment its parent dies. A stopped process cannot
 * fork, so the tree is frozen first (SIGSTOP, pass after pass until nothing new appears) and then killed.
 *
 * <p>Known limit: a process that left the tree before a pass saw it (double fork, {@code setsid}, re-parented to
 * init) is not stopped; only a cgroup would catch it.
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");
    private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));
    // Java can send SIGTERM and SIGKILL only; SIGSTOP goes through the shell's kill builtin. The pids are its
    // arguments ("$@"), never code.
    private static final List<String> SIGSTOP = List.of("/bin/sh", "-c", "kill -s STOP \"$@\" 2>/dev/null", "sigstop");
    private static final File DEV_NULL = new File("/dev/null");

    // How long freezing the tree may take: a few reads of the process table, each tens of ms on a busy host.
    private static final long FREEZE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    // Every process ever seen in the tree, parents before their children, and their start times (clock ticks).
    private final Map<Long, ProcessHandle> members = new LinkedHashMap<>();
    private final Map<Long, Long> startTimes = new HashMap<>();

    private ProcessTree(ProcessHandle root) {
        members.put(root.pid(), root);
    }

    /**
     * SIGTERM to the tree, up to {@code graceNanos} for it to die, then SIGKILL to whatever still runs and up to
     * {@code reapNanos} for it to die. On an interrupt the tree is killed at once and the exception rethrown.
     */
    static void terminate(ProcessHandle root, long graceNanos, long reapNanos) throws InterruptedException {
        long graceEnd = System.nanoTime() + graceNanos;
        ProcessTree tree = new ProcessTree(root);
        try {
            tree.signalUntilStable(graceEnd, each(ProcessHandle::destroy));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (!tree.awaitDeath(graceEnd)) {
                tree.freezeAndKill();
                tree.awaitDeath(System.nanoTime() + reapNanos);
            }
        } catch (InterruptedException e) {
            tree.kill(reapNanos); // this tree knows the processes that left the root's subtree
            throw e;
        }
    }

    /** SIGKILL to the whole tree (frozen first) and up to {@code reapNanos} for it to die; not interruptible. */
    static void kill(ProcessHandle root, long reapNanos) {
        new ProcessTree(root).kill(reapNanos);
    }

    private void kill(long reapNanos) {
        boolean interrupted = Thread.interrupted(); // the caller is leaving: finish the kill first
        try {
            freezeAndKill();
            awaitDeath(System.nanoTime() + reapNanos);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void freezeAndKill() {
        signalUntilStable(System.nanoTime() + FREEZE_NANOS, ProcessTree::stop);
        // Stopped processes cannot fork: everything is in members now, unless SIGSTOP failed or time ran out.
        members.values().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Sends {@code signal} once to every running process of the tree, pass after pass, until a pass finds nobody
     * new, the deadline passes or the thread is interrupted; the first pass always runs.
     */
    private void signalUntilStable(long deadline, Consumer<List<ProcessHandle>> signal) {
        Set<Long> signalled = new HashSet<>();
        do {
            List<ProcessHandle> fresh = new ArrayList<>();
            for (ProcessHandle h : runningMembers()) {
                if (signalled.add(h.pid())) {
                    fresh.add(h);
                }
            }
            if (fresh.isEmpty()) {
                return;
            }
            signal.accept(fresh);
        } while (System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted());
    }

    /** One pass: the tree's processes that run now, parents before children (one read of the process table). */
    private List<ProcessHandle> runningMembers() {
        ProcessTable table = ProcessTable.read();
        ArrayDeque<ProcessHandle> queue = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        for (ProcessHandle h : members.values()) {
            if (runs(h, table)) {
                queue.add(h);
                seen.add(h.pid());
            }
        }
        List<ProcessHandle> running = new ArrayList<>();
        for (ProcessHandle h = queue.poll(); h != null; h = queue.poll()) {
            running.add(h);
            for (long pid : table.children().getOrDefault(h.pid(), List.of())) {
                if (seen.add(pid)) {
                    ProcessHandle.of(pid).ifPresent(child -> {
                        members.put(pid, child);
                        startTimes.put(pid, table.startTimes().getOrDefault(pid, -1L));
                        queue.add(child);
                    });
                }
            }
        }
        return running;
    }

    /**
     * Whether a member still runs, from the table: same pid and same start time (a dead member's pid may have been
     * recycled). Asking {@code isAlive()} instead costs one more read per member and pass: half a pass's time.
     */
    private boolean runs(ProcessHandle h, ProcessTable table) {
        if (!HAS_PROC) {
            return h.isAlive();
        }
        Long now = table.startTimes().get(h.pid());
        if (now == null) {
            return false; // gone, or a zombie
        }
        Long then = startTimes.putIfAbsent(h.pid(), now); // the root's start time is learnt on the first pass
        return then == null || then.equals(now);
    }

    /** Parent pid → pids of its running children, and pid → start time, from one read of the process table. */
    private record ProcessTable(Map<Long, List<Long>> children, Map<Long, Long> startTimes) {

        static ProcessTable read() {
            ProcessTable table = new ProcessTable(new HashMap<>(), new HashMap<>());
            if (!HAS_PROC) {
                // parent() reads the table entry again, per process: twice the cost of the /proc walk below.
                ProcessHandle.allProcesses().forEach(h -> h.parent().ifPresent(p -> table.add(h.pid(), p.pid(), -1)));
                return table;
            }
            try (DirectoryStream<Path> proc = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
                for (Path dir : proc) {
                    // "pid (comm) S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime
                    // cstime priority nice threads itrealvalue starttime ...": after the state, fields 4 and 22.
                    String stat = stat(dir);
                    int state = stateIndex(stat);
                    if (state < 0 || !isRunning(stat.charAt(state))) {
                        continue;
                    }
                    int ppid = state + 2;
                    int start = ppid;
                    for (int field = 4; field < 22 && start > 0; field++) {
                        start = stat.indexOf(' ', start) + 1;
                    }
                    int startEnd = start > 0 ? stat.indexOf(' ', start) : -1;
                    if (startEnd > 0) {
                        table.add(Long.parseLong(dir.getFileName().toString()),
                                Long.parseLong(stat, ppid, stat.indexOf(' ', ppid), 10),
                                Long.parseLong(stat, start, startEnd, 10));
                    }
                }
            } catch (IOException | DirectoryIteratorException e) {
                // /proc vanished: the members we know of are still signalled.
            }
            return table;
        }

        private void add(long pid, long ppid, long startTime) {
            children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid);
            startTimes.put(pid, startTime);
        }
    }

    /** SIGSTOP to each of {@code processes}, in order; on failure (no shell) they are killed unfrozen. */
    private static void stop(List<ProcessHandle> processes) {
        List<String> argv = new ArrayList<>(SIGSTOP);
        processes.forEach(h -> argv.add(Long.toString(h.pid())));
        boolean interrupted = false;
        try {
            Process kill = new ProcessBuilder(argv).redirectInput(DEV_NULL)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            while (true) {
                try {
                    if (!kill.waitFor(1, TimeUnit.SECONDS)) {
                        kill.destroyForcibly();
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (IOException e) {
            // No /bin/sh: SIGKILL follows without the freeze; a child forked meanwhile may escape.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Consumer<List<ProcessHandle>> each(Consumer<ProcessHandle> signal) {
        return processes -> processes.forEach(signal);
    }

    /** Polls until every member is dead or the deadline passes; there is no portable way to block on a non-child. */
    private boolean awaitDeath(long deadline) throws InterruptedException {
        List<ProcessHandle> alive = new ArrayList<>(members.values());
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            for (Iterator<ProcessHandle> it = alive.iterator(); it.hasNext(); ) {
                if (isRunning(it.next())) {
                    break; // one is enough: no need to read the others' state on every poll
                }
                it.remove();
            }
            long left = deadline - System.nanoTime();
            if (alive.isEmpty() || left <= 0) {
                return alive.isEmpty();
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(Math.min(pauseNanos, left));
            pauseNanos = Math.min(pauseNanos * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Whether the process still runs. {@code isAlive()} also checks the start time (so a recycled pid reads as dead),
     * but it is true for a zombie, which runs nothing and may stay a zombie for a while (until its parent, or PID 1
     * for an orphan, waits for it): read the state from /proc.
     */
    static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        if (!HAS_PROC) {
            return true;
        }
        String stat = stat(PROC.resolve(Long.toString(h.pid())));
        int state = stateIndex(stat);
        return state > 0 && isRunning(stat.charAt(state));
    }

    private static boolean isRunning(char state) {
        return state != 'Z' && state != 'X' && state != 'x';
    }

    /** The content of {@code dir/stat}, or "" once the process is gone. */
    private static String stat(Path dir) {
        try {
            // ISO-8859-1: the command name is raw bytes, not necessarily UTF-8.
            return Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** Where the state letter is in "pid (comm) S ppid ...", or -1; comm may contain spaces and ')'. */
    private static int stateIndex(String stat) {
        int i = stat.lastIndexOf(')') + 2;
        return i > 1 && i < stat.length() ? i : -1;
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && Character.isDigit(name.charAt(0));
    }
}
