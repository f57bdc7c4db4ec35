package dev.opsworkbook.compress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real file system with the faults and holds a test scripts: an {@link IOException} at a chosen byte of a chosen
 * attempt (reading the input, writing the temp file), a failing {@code sync()} or rename; inputs that stop at a byte
 * until released; and a rendezvous that makes {@code openInput} wait until N inputs are open at once. A temp file
 * {@code x.gz.tmp} belongs to input {@code x}. Attempt n of a file is its n-th {@code openInput} for READ, DENIED and RUNTIME
 * faults and its n-th {@code createOutput} for the others, so the order in which an attempt opens the two does not
 * matter.
 */
final class ScriptedFileOps implements FileOps {

    enum Kind { READ, WRITE, SYNC, MOVE, DENIED, RUNTIME }

    /** The faults that an attempt may recover from by trying again. */
    static final Kind[] TRANSIENT = {Kind.READ, Kind.WRITE, Kind.SYNC, Kind.MOVE};

    /**
     * A fault: {@code offset} is the byte at which READ or WRITE fails (ignored for the others); DENIED makes
     * {@code openInput} throw {@link AccessDeniedException}, as for a file the process may not read. A WRITE fault
     * beyond the bytes the attempt writes (the output compressed better than expected) fails its {@code sync()}.
     * RUNTIME makes {@code openInput} throw an {@link IllegalStateException}, as a bug in a file system layer would.
     */
    record Fault(Kind kind, long offset) {
    }

    /** Injected faults, by input file name; element i applies to attempt i + 1 ({@code null}: no fault). */
    final Map<String, List<Fault>> faults = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> creates = new ConcurrentHashMap<>();
    /** What happened, in order: {@code open x}, {@code create x.gz.tmp}, {@code sync x.gz.tmp}, {@code move ...}. */
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger openNow = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();

    /** Inputs stop before this byte until {@link #release} is counted down; -1: never. */
    volatile long holdAt = -1;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger heldNow = new AtomicInteger();
    /** Outputs stop before a write that would pass this byte, until {@link #release} is counted down; -1: never. */
    volatile long holdWritesAt = -1;
    final AtomicInteger heldWrites = new AtomicInteger();
    /** Bytes read from every input so far, by every attempt. */
    final AtomicLong bytesRead = new AtomicLong();
    /**
     * When a held read is interrupted, it throws only once this is counted down, or after {@link #LINGER}: like a
     * read that takes a moment to notice its interrupt. The window in which a test sees whether {@code compress}
     * threw before its workers stopped; a correct compressor merely waits it out.
     */
    final CountDownLatch stopLingering = new CountDownLatch(1);
    static final Duration LINGER = Duration.ofSeconds(2);

    /**
     * The first this many calls of {@code openInput} wait until this many inputs are open at once (at most until 10 s
     * after the first call), then a {@link #RENDEZVOUS_WINDOW} more in which an extra open (a pool larger than this)
     * would be seen in {@link #maxOpen} (it ends the wait at once); later calls do not wait. 0: no waiting.
     */
    volatile int rendezvous;
    static final Duration RENDEZVOUS_WINDOW = Duration.ofSeconds(1);
    private int arrived; // guarded by this
    private long rendezvousDeadline; // guarded by this

    ScriptedFileOps fail(String inputName, Fault... perAttempt) {
        faults.put(inputName, Arrays.asList(perAttempt));
        return this;
    }

    int attemptsOf(String inputName) {
        AtomicInteger n = attempts.get(inputName);
        return n == null ? 0 : n.get();
    }

    private Fault faultFor(String inputName, Kind kind) {
        List<Fault> list = faults.get(inputName);
        boolean atOpen = kind == Kind.READ || kind == Kind.DENIED || kind == Kind.RUNTIME;
        AtomicInteger count = (atOpen ? attempts : creates).get(inputName);
        int attempt = count == null ? 0 : count.get();
        if (list == null || attempt < 1 || attempt > list.size()) {
            return null;
        }
        Fault f = list.get(attempt - 1);
        return f != null && f.kind() == kind ? f : null;
    }

    private static String inputNameOfTemp(Path temp) {
        String name = temp.getFileName().toString();
        return name.endsWith(".gz.tmp") ? name.substring(0, name.length() - ".gz.tmp".length()) : name;
    }

    @Override
    public InputStream openInput(Path input) throws IOException {
        String name = input.getFileName().toString();
        events.add("open " + name);
        InputStream real = FileOps.REAL.openInput(input);
        attempts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        if (faultFor(name, Kind.DENIED) != null) {
            real.close();
            throw new AccessDeniedException(input.toString());
        }
        if (faultFor(name, Kind.RUNTIME) != null) {
            real.close();
            throw new IllegalStateException("injected runtime fault opening " + name);
        }
        maxOpen.accumulateAndGet(openNow.incrementAndGet(), Math::max);
        int wanted = rendezvous;
        if (wanted > 0) {
            try {
                awaitRendezvous(wanted);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                real.close();
                openNow.decrementAndGet();
                throw new InterruptedIOException("interrupted at the rendezvous");
            }
        }
        Fault fault = faultFor(name, Kind.READ);
        return new FilterInputStream(real) {
            private long position;
            private boolean closed;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                long limit = Long.MAX_VALUE;
                if (fault != null) {
                    if (position >= fault.offset()) {
                        throw new IOException("injected read fault at byte " + position + " of " + name);
                    }
                    limit = fault.offset();
                }
                long hold = holdAt;
                if (hold >= 0) {
                    if (position >= hold) {
                        awaitRelease();
                    } else {
                        limit = Math.min(limit, hold);
                    }
                }
                int n = super.read(b, off, (int) Math.min(len, Math.max(1, limit - position)));
                if (n > 0) {
                    position += n;
                    bytesRead.addAndGet(n);
                }
                return n;
            }

            private void awaitRelease() throws InterruptedIOException {
                heldNow.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    linger();
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the test held the input");
                } finally {
                    heldNow.decrementAndGet();
                }
            }

            /** Waits for {@link #stopLingering} or {@link #LINGER}, whichever comes first; a second interrupt ends it. */
            private void linger() {
                try {
                    stopLingering.await(LINGER.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException again) {
                    // stop lingering; the caller restores the flag
                }
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    openNow.decrementAndGet();
                }
                super.close();
            }
        };
    }

    private synchronized void awaitRendezvous(int wanted) throws InterruptedException {
        notifyAll(); // an input more is open
        if (++arrived > wanted) {
            return; // only the first `wanted` opens meet: a late file whose peers have finished must not wait
        }
        if (arrived == 1) {
            rendezvousDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        }
        while (openNow.get() < wanted) {
            if (!waitUntil(rendezvousDeadline)) {
                return; // too few workers: maxOpen tells the test
            }
        }
        long windowEnd = System.nanoTime() + RENDEZVOUS_WINDOW.toNanos();
        while (openNow.get() <= wanted) {
            if (!waitUntil(windowEnd)) {
                return; // a detection window, not a condition: a pool of exactly `wanted` passes when it ends
            }
        }
    }

    /** Waits on this until notified or {@code deadline} (nanoTime); false once the deadline has passed. */
    private boolean waitUntil(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        return true;
    }

    @Override
    public SyncableOutputStream createOutput(Path temp) throws IOException {
        String tempName = temp.getFileName().toString();
        String input = inputNameOfTemp(temp);
        events.add("create " + tempName);
        SyncableOutputStream real = FileOps.REAL.createOutput(temp);
        creates.computeIfAbsent(input, k -> new AtomicInteger()).incrementAndGet();
        Fault writeFault = faultFor(input, Kind.WRITE);
        Fault syncFault = faultFor(input, Kind.SYNC);
        return new SyncableOutputStream() {
            private long position;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (writeFault != null && position + len > writeFault.offset()) {
                    int part = (int) Math.max(0, writeFault.offset() - position);
                    real.write(b, off, part);
                    position += part;
                    throw new IOException("injected write fault at byte " + position + " of " + tempName);
                }
                long hold = holdWritesAt;
                if (hold >= 0 && position + len > hold) {
                    heldWrites.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while the test held the output");
                    }
                }
                real.write(b, off, len);
                position += len;
            }

            @Override
            public void sync() throws IOException {
                if (writeFault != null) {
                    throw new IOException("injected write fault at the end (byte " + position + ") of " + tempName);
                }
                if (syncFault != null) {
                    throw new IOException("injected fsync fault on " + tempName);
                }
                real.sync();
                events.add("sync " + tempName);
            }

            @Override
            public void close() throws IOException {
                real.close();
                events.add("close " + tempName);
            }
        };
    }

    @Override
    public void moveAtomically(Path temp, Path target) throws IOException {
        if (faultFor(inputNameOfTemp(temp), Kind.MOVE) != null) {
            throw new IOException("injected rename fault on " + temp.getFileName());
        }
        FileOps.REAL.moveAtomically(temp, target);
        events.add("move " + temp.getFileName() + " " + target.getFileName());
    }
}
