package dev.opsworkbook.logfollower;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>Between two polls the thread waits on a {@link WatchService} of the file's directory (inotify on Linux), so
 * that a write wakes it at once: with copytruncate, whatever is not read when the file is truncated is lost. The
 * events are only a hint: it still looks every poll interval, and it works without them (queue overflow, NFS, a
 * rotated file moved to another directory, no watch service left).
 */
public final class LogFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);
    private static final int READ_CHUNK = 64 * 1024;
    // A writer faster than we read must not keep us from checking the name: re-check after this much.
    private static final long READ_BUDGET_PER_POLL = 4L << 20;
    // Like Filebeat's fingerprint: the first bytes tell a rewritten file from a grown one with the same inode.
    private static final int FINGERPRINT_BYTES = 1024;
    private static final Duration CLOSE_WAIT = Duration.ofMillis(900);

    private final Path file;
    private final long pollNanos;
    private final long rotatedQuietNanos;
    private final int maxLineBytes;
    private final LineQueue queue;
    private final LongAdder linesCut = new LongAdder();
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
    private final Thread thread;
    private volatile boolean closed;
    // Written by the follower thread only.
    private volatile long rotations;
    private volatile long truncations;
    private @Nullable TrackedFile current;
    // Files rotated away and still read until they have been quiet for rotatedQuietNanos, oldest first.
    private final List<TrackedFile> rotated = new ArrayList<>();
    // Null if the platform has none left (inotify instances are limited per user): then we only poll.
    private @Nullable WatchService watcher;
    private @Nullable WatchKey watchKey;
    // Whether a change to any file of the directory may concern us, not only one to our name: a rotated file, or
    // the followed file after its name went away, is written to under another name.
    private boolean wakeOnAnyChange;

    private LogFollower(FollowOptions options) {
        this.file = options.file();
        this.pollNanos = options.pollInterval().toNanos();
        this.rotatedQuietNanos = options.pollInterval().multipliedBy(options.rotatedFileQuietPolls()).toNanos();
        this.maxLineBytes = options.maxLineBytes();
        this.queue = new LineQueue(options.queueCapacity());
        this.thread = Thread.ofPlatform().name("log-follower " + file.getFileName()).daemon().unstarted(this::run);
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
        validate(options);
        LogFollower follower = new LogFollower(options);
        boolean atEnd = options.start() == StartPosition.END;
        follower.current = TrackedFile.open(options.file(), atEnd, follower.newSplitter());
        follower.watcher = newWatchService(options.file());
        follower.thread.start();
        return follower;
    }

    /** The next line, waiting up to {@code timeout} for one; {@code null} if none came. */
    public @Nullable String poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toNanos());
    }

    /** How many lines wait in the queue now (never more than {@code queueCapacity}). */
    public int queuedLines() {
        return queue.size();
    }

    /** The counters now. */
    public FollowerStats stats() {
        return new FollowerStats(queue.handedOver(), linesCut.sum(), rotations, truncations);
    }

    /**
     * Stops following: returns within a second, after which the thread has ended and the files are closed.
     * Lines already queued can still be taken with {@link #poll}. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        thread.interrupt(); // wakes it from the poll sleep or a put on a full queue
        if (thread == Thread.currentThread()) {
            return;
        }
        try {
            if (!thread.join(CLOSE_WAIT)) {
                LOG.warn("the follower thread of {} did not stop within {} ms", file, CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code log-follower [--from-beginning] [--poll-ms N] [--max-line-bytes N] [--queue N] FILE}: follows
     * FILE and prints its lines to stdout until SIGTERM or SIGINT. On the signal it stops reading, prints every
     * line it had read, flushes stdout, and writes {@code log-follower: stopped, N lines read, N printed} to
     * stderr. Exit status: 143 after SIGTERM (130 after SIGINT); 2 for invalid arguments; 1 if the file
     * cannot be followed (one line on stderr, no stack trace). See {@link FollowCommand}.
     */
    public static void main(String[] args) {
        System.exit(FollowCommand.run(args));
    }

    // ------------------------------------------------------------------------------------------------

    private static void validate(FollowOptions options) throws IOException {
        if (options == null) {
            throw new IllegalArgumentException("options is null");
        }
        if (options.file() == null) {
            throw new IllegalArgumentException("file is null");
        }
        if (options.start() == null) {
            throw new IllegalArgumentException("start is null");
        }
        if (options.pollInterval() == null || options.pollInterval().isNegative() || options.pollInterval().isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + options.pollInterval());
        }
        if (options.maxLineBytes() < 1) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1, was " + options.maxLineBytes());
        }
        if (options.queueCapacity() < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + options.queueCapacity());
        }
        if (options.rotatedFileQuietPolls() < 0) {
            throw new IllegalArgumentException("rotatedFileQuietPolls must be 0 or more, was "
                    + options.rotatedFileQuietPolls());
        }
        Path file = options.file();
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory, not a file");
        }
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file)) {
                throw new FileSystemException(file.toString(), null, "is not a regular file");
            }
            if (!Files.isReadable(file)) {
                throw new AccessDeniedException(file.toString(), null, "cannot be read");
            }
        } else {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
                throw new NotDirectoryException(parent + " (the parent of " + file + ")");
            }
        }
    }

    private void run() {
        try {
            while (!closed) {
                boolean moreToRead = false;
                try {
                    moreToRead = pollOnce();
                } catch (IOException | RuntimeException e) {
                    // Never let one failed read or reopen end the thread (Commons IO Tailer's IO-399, PR #878).
                    if (!closed) {
                        LOG.warn("following {} failed, will retry: {}", file, e.toString());
                    }
                }
                queue.handOver(); // whatever was read, before we wait
                if (!moreToRead && !closed) {
                    awaitChange();
                }
            }
        } catch (InterruptedException e) {
            // close()
        } finally {
            closeAll();
        }
    }

    /** One look at the name and the open files; returns whether there is more to read right away. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // rotations, truncations: one writer, the follower thread
    private boolean pollOnce() throws IOException, InterruptedException {
        watchDirectory();
        // The rotated files first: what was written to them came before what the application writes after it reopens.
        boolean moreToRead = readRotatedFiles();
        Object named = fileKeyOfName();
        if (current == null) {
            wakeOnAnyChange = !rotated.isEmpty();
            if (named == null) {
                return moreToRead; // not there (yet): like tail -F, keep waiting
            }
            current = TrackedFile.open(file, false, newSplitter()); // a file that appears is read from its start
            if (current == null) {
                return moreToRead;
            }
        } else {
            if (current.rewritten()) {
                // copytruncate, or truncated and regrown past our offset since the last poll: read it again.
                // Checked first, also when the name has moved on: a file rewritten and then rotated within one
                // poll must be finished from its new start, not from our old offset.
                current.splitter.flushPartialLine();
                current.restart();
                truncations++;
            }
            if (named != null && !named.equals(current.key)) {
                // Renamed or deleted, and a new file created. What the old file holds now was written before the
                // new file existed: it comes first. Then the old file is read beside the new one until it is quiet.
                drain(current, Long.MAX_VALUE);
                retire(current);
                current = null;
                rotations++;
                current = TrackedFile.open(file, false, newSplitter());
                if (current == null) {
                    return moreToRead;
                }
            }
        }
        wakeOnAnyChange = named == null || !rotated.isEmpty();
        // named == null: renamed or deleted and nothing new yet; the old file may still get lines, keep reading it.
        // Read no further than the size seen right after the check: bytes written later may belong to a file
        // rewritten meanwhile (the queue may block us for long), so they wait for the next check.
        drain(current, Math.min(current.channel.size(), current.position + READ_BUDGET_PER_POLL));
        return moreToRead || current.channel.size() > current.position;
    }

    /** A file rotated away: read it on until it is quiet, or let it go now if no wait was asked for. */
    private void retire(TrackedFile old) throws InterruptedException {
        if (rotatedQuietNanos == 0) {
            letGo(old);
        } else {
            old.lastGrowth = System.nanoTime();
            rotated.add(old);
        }
    }

    /**
     * Reads what was added to each rotated file since the last poll, by its open descriptor (its name may be gone),
     * and lets go of a file that has not grown for {@code rotatedQuietNanos}: its writer has reopened the new file.
     * Returns whether one of them has more to read right away.
     */
    private boolean readRotatedFiles() throws InterruptedException {
        boolean moreToRead = false;
        for (Iterator<TrackedFile> it = rotated.iterator(); it.hasNext(); ) {
            TrackedFile old = it.next();
            try {
                long size = old.channel.size();
                if (size > old.position) {
                    drain(old, Math.min(size, old.position + READ_BUDGET_PER_POLL));
                    old.lastGrowth = System.nanoTime();
                    moreToRead |= size > old.position;
                    continue;
                }
                // Not grown (or shrunk: nobody truncates a rotated log and then writes to it again).
                if (System.nanoTime() - old.lastGrowth < rotatedQuietNanos) {
                    continue;
                }
            } catch (IOException e) {
                LOG.warn("reading {} after its rotation failed, letting it go: {}", file, e.toString());
            }
            it.remove();
            letGo(old);
        }
        return moreToRead;
    }

    private void letGo(TrackedFile old) throws InterruptedException {
        try {
            old.splitter.flushPartialLine(); // its writer is done with it: a held partial line gets no LF now
        } finally {
            old.close();
        }
    }

    /** Reads from the open file up to offset {@code limit}, or to its end if that comes first. */
    private void drain(TrackedFile f, long limit) throws IOException, InterruptedException {
        while (f.position < limit) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), limit - f.position));
            int n = f.channel.read(buffer, f.position);
            if (n <= 0) {
                return;
            }
            f.advance(buffer.array(), n);
            f.splitter.feed(buffer.array(), 0, n);
            queue.handOver(); // the lines of one read go over together: see LineQueue
        }
    }

    /** The file key (device and inode) of whatever regular file has our name now, or null. */
    private @Nullable Object fileKeyOfName() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? attributes.fileKey() : null;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private LineSplitter newSplitter() {
        // queue::add blocks while the consumer is behind: the file is the buffer, not the heap.
        return new LineSplitter(maxLineBytes, queue::add, linesCut);
    }

    private static @Nullable WatchService newWatchService(Path file) {
        try {
            return file.getFileSystem().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("no watch service, polling only: {}", e.toString());
            return null;
        }
    }

    /** Watches the file's directory, if there is a watch service and the directory is not watched yet. */
    private void watchDirectory() {
        if (watcher == null || (watchKey != null && watchKey.isValid())) {
            return;
        }
        Path directory = file.toAbsolutePath().getParent();
        try {
            watchKey = directory == null ? null : directory.register(watcher,
                    StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            watchKey = null; // no directory (yet): polling looks for it
        }
    }

    /** Waits one poll interval, or less if the directory reports a change that may concern us. */
    private void awaitChange() throws InterruptedException {
        long deadline = System.nanoTime() + pollNanos;
        for (long left = pollNanos; left > 0; left = deadline - System.nanoTime()) {
            WatchService w = watcher;
            if (w == null || watchKey == null) {
                TimeUnit.NANOSECONDS.sleep(left);
                return;
            }
            WatchKey key = w.poll(left, TimeUnit.NANOSECONDS);
            if (key == null) {
                return;
            }
            boolean concernsUs = wakeOnAnyChange;
            for (WatchEvent<?> event : key.pollEvents()) {
                concernsUs |= event.kind() == StandardWatchEventKinds.OVERFLOW
                        || file.getFileName().equals(event.context());
            }
            key.reset();
            if (concernsUs) {
                return;
            }
        }
    }

    private void closeAll() {
        if (current != null) {
            current.close();
            current = null;
        }
        rotated.forEach(TrackedFile::close);
        rotated.clear();
        if (watcher != null) {
            try {
                watcher.close(); // ends the JDK's watch thread and closes its descriptors
            } catch (IOException e) {
                LOG.debug("closing the watch service failed", e);
            }
        }
    }

    /** An open file, where we are in it, its first bytes, and its partial last line. */
    private static final class TrackedFile implements AutoCloseable {
        final FileChannel channel;
        final Object key;
        final LineSplitter splitter;
        long position;
        // Invariant: fingerprint.length == min(FINGERPRINT_BYTES, position): the first bytes we went past.
        byte[] fingerprint;
        // Once rotated away: when it last grew (System.nanoTime()).
        long lastGrowth;

        private TrackedFile(FileChannel channel, Object key, LineSplitter splitter, long position, byte[] fingerprint) {
            this.channel = channel;
            this.key = key;
            this.splitter = splitter;
            this.position = position;
            this.fingerprint = fingerprint;
        }

        /** Opens {@code file}, at its end or its start; null if it is not there. */
        static @Nullable TrackedFile open(Path file, boolean atEnd, LineSplitter splitter) throws IOException {
            for (int attempt = 0; attempt < 3; attempt++) {
                Object before;
                FileChannel channel;
                try {
                    before = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
                    channel = FileChannel.open(file, StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    return null;
                }
                try {
                    // The name may have moved between the two calls: the key must be the one of what we opened.
                    Object after = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
                    if (Objects.equals(before, after)) {
                        long position = atEnd ? channel.size() : 0;
                        byte[] fingerprint = readAt(channel, (int) Math.min(FINGERPRINT_BYTES, position));
                        return new TrackedFile(channel, before, splitter, position, fingerprint);
                    }
                } catch (NoSuchFileException e) {
                    // renamed away meanwhile: try again
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
                channel.close();
            }
            return null; // rotating right now: next poll
        }

        /** Truncated below our offset, or its first bytes are not the ones we read: rewritten in place. */
        boolean rewritten() throws IOException {
            if (channel.size() < position) {
                return true;
            }
            return !Arrays.equals(readAt(channel, fingerprint.length), fingerprint);
        }

        void restart() {
            position = 0;
            fingerprint = new byte[0];
        }

        /** We read {@code n} bytes at {@code position}. */
        void advance(byte[] bytes, int n) {
            if (fingerprint.length < FINGERPRINT_BYTES) {
                int take = Math.min(n, FINGERPRINT_BYTES - fingerprint.length);
                byte[] longer = Arrays.copyOf(fingerprint, fingerprint.length + take);
                System.arraycopy(bytes, 0, longer, fingerprint.length, take);
                fingerprint = longer;
            }
            position += n;
        }

        private static byte[] readAt(FileChannel channel, int length) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) {
                // a short read only if the file shrank meanwhile; then it differs anyway
            }
            return buf.position() == length ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing a followed file failed", e);
            }
        }
    }
}
