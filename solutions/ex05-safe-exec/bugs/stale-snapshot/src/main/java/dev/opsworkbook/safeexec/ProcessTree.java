package dev.opsworkbook.safeexec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops a child and every process it started.
 *
 * <p>Known limit: a process that left the tree before the first snapshot (double fork, {@code setsid},
 * re-parented to init) is invisible to {@link ProcessHandle#descendants()} and is not stopped; only a
 * cgroup would catch it.
 */
final class ProcessTree {
    private static final boolean HAS_PROC = Files.isDirectory(Path.of("/proc/self"));

    private ProcessTree() {
    }

    /** SIGTERM the tree, give it {@code grace}, SIGKILL the survivors, and wait (bounded) for them to die. */
    static void terminate(ProcessHandle root, long graceNanos, long reapNanos) throws InterruptedException {
        Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
        signal(root, tree, false);
        if (!awaitDeath(tree.values(), graceNanos)) {
            tree.values().forEach(ProcessHandle::destroyForcibly); // the processes we saw at SIGTERM time
            awaitDeath(tree.values(), reapNanos);
        }
    }

    /** SIGKILL the whole tree at once and wait (bounded, not interruptible) for it to die. */
    static void kill(ProcessHandle root, long reapNanos) {
        Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
        signal(root, tree, true);
        boolean interrupted = Thread.interrupted();
        try {
            awaitDeath(tree.values(), reapNanos);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Signals every process of the tree once, snapshotting descendants BEFORE signalling: once a parent dies,
     * its children are re-parented to init and vanish from {@code descendants()}. Repeats until a snapshot
     * finds nobody new, which catches children forked while we were signalling.
     */
    private static void signal(ProcessHandle root, Map<Long, ProcessHandle> tree, boolean force) {
        tree.putIfAbsent(root.pid(), root);
        Set<Long> signalled = new HashSet<>();
        int before;
        do {
            before = tree.size();
            for (ProcessHandle h : List.copyOf(tree.values())) {
                if (isRunning(h)) {
                    h.descendants().forEach(d -> tree.putIfAbsent(d.pid(), d));
                }
            }
            for (ProcessHandle h : tree.values()) {
                if (signalled.add(h.pid())) {
                    if (force) {
                        h.destroyForcibly();
                    } else {
                        h.destroy();
                    }
                }
            }
        } while (tree.size() != before);
    }

    /** Polls until every process is dead; there is no portable way to block on a process that is not our child. */
    private static boolean awaitDeath(Iterable<ProcessHandle> processes, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            boolean allDead = true;
            for (ProcessHandle h : processes) {
                if (isRunning(h)) {
                    allDead = false;
                    break;
                }
            }
            long left = deadline - System.nanoTime();
            if (allDead || left <= 0) {
                return allDead;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(Math.min(pauseNanos, left));
            pauseNanos = Math.min(pauseNanos * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Whether the process still runs. {@code isAlive()} also checks the start time (so a recycled pid reads as
     * dead), but it is true for a zombie, and an orphan's zombie may never be reaped (PID 1 in a container often
     * does not reap): read the state from /proc.
     */
    static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        if (!HAS_PROC) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int i = stat.lastIndexOf(')') + 2; // the command name may contain ')' and spaces
            char state = i > 1 && i < stat.length() ? stat.charAt(i) : 'X';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // no /proc/<pid>: gone
        }
    }
}
