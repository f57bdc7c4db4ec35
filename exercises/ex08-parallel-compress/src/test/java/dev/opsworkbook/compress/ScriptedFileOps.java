package dev.opsworkbook.compress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real file system with the faults and holds a test scripts: an {@link IOException} at a chosen byte of a chosen
 * attempt (reading the input, writing the temp file), a failing {@code sync()} or rename; inputs that stop at a byte
 * until released; and a rendezvous that makes {@code openInput} wait until N inputs are open at once. A temp file
 * {@code x.gz.tmp} belongs to input {@code x}. Attempt n of a file is its n-th {@code openInput} for READ and DENIED
 * faults and its n-th {@code createOutput} for the others, so the order in which an attempt opens the two does not
 * matter.
 */
final class ScriptedFileOps implements FileOps {

    enum Kind { READ, WRITE, SYNC, MOVE, DENIED }

    /** The faults that an attempt may recover from by trying again. */
    static final Kind[] TRANSIENT = {Kind.READ, Kind.WRITE, Kind.SYNC, Kind.MOVE};

    /**
     * A fault: {@code offset} is the byte at which READ or WRITE fails (ignored for the others); DENIED makes
     * {@code openInput} throw {@link AccessDeniedException}, as for a file the process may not read. A WRITE fault
     * beyond the bytes the attempt writes (the output compressed better than expected) fails its {@code sync()}.
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
    /**
     * The first {@code rendezvous} calls of {@code openInput} wait (at most 5 s) until that many inputs are open at
     * once, then hold on for {@link #GRACE_MILLIS} more, so that an extra worker, if there is one, opens its input
     * meanwhile ({@link #maxOpen} then shows it); later calls do not wait. 0: no waiting.
     */
    volatile int rendezvous;
    static final long GRACE_MILLIS = 1000;
    private int rendezvousArrivals;
    private long rendezvousMetAt = -1;

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
        AtomicInteger count = (kind == Kind.READ || kind == Kind.DENIED ? attempts : creates).get(inputName);
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
        maxOpen.accumulateAndGet(openNow.incrementAndGet(), Math::max);
        int wanted = rendezvous;
        boolean waits;
        synchronized (this) {
            waits = wanted > 0 && ++rendezvousArrivals <= wanted;
        }
        if (waits) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            synchronized (this) {
                notifyAll();
                while (System.nanoTime() < deadline) {
                    if (openNow.get() >= wanted && rendezvousMetAt < 0) {
                        rendezvousMetAt = System.nanoTime();
                        notifyAll();
                    }
                    if (rendezvousMetAt >= 0
                            && System.nanoTime() - rendezvousMetAt >= TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS)) {
                        break;
                    }
                    try {
                        wait(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        real.close();
                        openNow.decrementAndGet();
                        throw new InterruptedIOException("interrupted at the rendezvous");
                    }
                }
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
                }
                return n;
            }

            private void awaitRelease() throws InterruptedIOException {
                heldNow.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the test held the input");
                } finally {
                    heldNow.decrementAndGet();
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
