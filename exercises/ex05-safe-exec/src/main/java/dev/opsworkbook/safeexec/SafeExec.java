package dev.opsworkbook.safeexec;

import java.io.IOException;

/**
 * Runs a command the way an on-call engineer wishes every script did: no shell, bounded output,
 * a hard timeout that takes the whole process tree down, and one structured log line per run.
 *
 * <p>Thread-safe: one instance may run many commands at once.
 */
public final class SafeExec {

    /**
     * Runs {@code request} and waits for it to finish (or to be stopped).
     *
     * <ul>
     *   <li>{@code argv} goes to the operating system as is: {@code ;}, {@code |}, {@code $(...)},
     *       backticks and {@code *} are plain characters in an argument.</li>
     *   <li>An invalid request (null or empty argv, a null argument, a NUL character in an argument, a
     *       blank program name, a non-positive timeout, a negative grace period or cap) throws
     *       {@link IllegalArgumentException} whose message names the problem.</li>
     *   <li>stdout and stderr are read at the same time, from the start, to the end; each keeps its first
     *       {@code maxOutputBytes} bytes and counts the rest as dropped.</li>
     *   <li>When the timeout expires, every process of the tree gets SIGTERM, and after
     *       {@code killGrace} SIGKILL; the result has {@code timedOut() == true}.</li>
     *   <li>A descendant that keeps an output pipe open after the child exited does not make
     *       {@code run} wait for it beyond the timeout.</li>
     *   <li>One INFO event is logged per run on this class's logger, with the key-values
     *       {@code argv} (secrets redacted), {@code pid}, {@code exit_code}, {@code duration_ms},
     *       {@code timed_out}, {@code stdout_bytes}, {@code stderr_bytes}, {@code stdout_dropped},
     *       {@code stderr_dropped}.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if the request is invalid
     * @throws CommandNotFoundException if {@code argv[0]} cannot be found or executed
     * @throws IOException              if the process cannot be started for another reason
     * @throws InterruptedException     if the calling thread is interrupted while waiting; the whole
     *                                  process tree has been killed by the time it is thrown
     */
    public ExecResult run(ExecRequest request) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("TODO: run the command (see the README, tasks 1-4)");
    }
}
