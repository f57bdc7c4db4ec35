package dev.opsworkbook.logfollower;

import java.io.IOException;
import java.time.Duration;

/**
 * Follows a file by name, like {@code tail -F}, and hands its complete lines to a bounded queue.
 *
 * <ul>
 *   <li>Lines appended to the file are delivered in order, exactly once. A partial line waits for its
 *       newline; LF and CRLF end a line; text is UTF-8; a line longer than {@code maxLineBytes} is
 *       delivered cut to that length and counted in {@link FollowerStats#linesCut()}.</li>
 *   <li>Rotation: when the name points to another file (rename or delete, then create), the old file is
 *       read to its end first, then the new one from its start, whatever its size. The old file is still read,
 *       beside the new one, until nothing has been added to it for {@code rotatedFileQuietPolls} poll intervals:
 *       the application writes to it until it reopens its log. Lines of one file keep their order; what is
 *       written to the old file after the switch comes between the new file's lines. Its partial last line waits
 *       for its newline until the file is let go. When the followed file
 *       is truncated (copytruncate), or rewritten from its start past the old offset between two polls, it
 *       is read again from its start. A missing file (at start, or deleted) is waited for.</li>
 *   <li>Back-pressure: when the queue is full the follower waits for the consumer; no line is dropped
 *       and at most {@code queueCapacity} lines are held.</li>
 *   <li>A rotation is noticed at the first poll after it: its cost is at most one poll interval.</li>
 * </ul>
 *
 * <p>One platform thread per follower reads the file; {@link #poll} is for one consumer thread (or
 * several: each line goes to exactly one of them). {@link #close()} stops the thread and closes the
 * files within a second.
 */
public final class LogFollower implements AutoCloseable {

    private LogFollower() {
    }

    /**
     * Validates {@code options}, opens the file if it exists (so that "appended after start" means after
     * this call returns), and starts following it.
     *
     * @throws IllegalArgumentException if an option is missing or out of range; the message names it
     * @throws IOException              if the file can never be followed: it is a directory or not a regular
     *                                  file, it cannot be read, or its parent is not a directory
     */
    public static LogFollower start(FollowOptions options) throws IOException {
        throw new UnsupportedOperationException("TODO: validate, open the file and start following (tasks 1-3)");
    }

    /** The next line, waiting up to {@code timeout} for one; {@code null} if none came. */
    public String poll(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO: take the next line from the queue (task 1)");
    }

    /** How many lines wait in the queue now (never more than {@code queueCapacity}). */
    public int queuedLines() {
        throw new UnsupportedOperationException("TODO: the queue's size (task 3)");
    }

    /** The counters now. */
    public FollowerStats stats() {
        throw new UnsupportedOperationException("TODO: the counters (tasks 1-2)");
    }

    /**
     * Stops following: returns within a second, after which the thread has ended and the files are closed.
     * Lines already queued can still be taken with {@link #poll}. Idempotent.
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO: stop the thread and close the file (task 3)");
    }

    /**
     * {@code log-follower [--from-beginning] [--poll-ms N] [--max-line-bytes N] [--queue N] FILE}: follows
     * FILE and prints its lines to stdout until SIGTERM or SIGINT. On the signal it stops reading (closes the
     * follower), prints every line it had read (also to a reader of stdout that lags behind), flushes stdout, and
     * writes {@code log-follower: stopped, N lines read, N printed} to stderr. Exit status: 143 after SIGTERM
     * (130 after SIGINT); 2 for invalid arguments; 1 if the file cannot be followed (one line on stderr, no
     * stack trace).
     */
    public static void main(String[] args) {
        throw new UnsupportedOperationException("TODO: the command (task 4)");
    }
}
