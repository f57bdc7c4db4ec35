package dev.opsworkbook.safeexec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Drains one output stream of the child to EOF, keeping the first {@code cap} bytes and counting the rest.
 *
 * <p>Started on a virtual thread, which is cheap to start, and most commands print little. But every blocking
 * pipe read on a virtual thread hands its carrier over to a compensating one (about 1.5 us), so once the
 * output turns out to be big the pump moves to a platform thread, where a read is a plain syscall.
 *
 * <p>The pump is the only writer; {@link #capture} may be called while it still runs (an orphan holding the
 * pipe), which is why the fields are volatile.
 */
final class OutputPump implements Runnable {
    private static final int CHUNK = 8192;
    // Big enough to take a full pipe (64 KiB on Linux) in one read once the cap is reached.
    private static final int DISCARD_CHUNK = 64 * 1024;
    // Past this, moving to a platform thread (~75 us to start) is cheaper than the virtual thread's reads.
    private static final long HANDOFF_BYTES = 256 * 1024;

    private final InputStream in;
    private final int cap;
    private final CountDownLatch done = new CountDownLatch(1);
    // Invariant for readers: head[0, kept) holds the kept bytes. head is replaced before kept grows,
    // and a grown copy keeps the old bytes, so reading kept first and then head is always consistent.
    private volatile byte[] head = new byte[0];
    private volatile int kept;
    private volatile long dropped;
    private byte @Nullable [] discard; // allocated once the cap is reached

    OutputPump(InputStream in, int cap) {
        this.in = in;
        this.cap = cap;
    }

    @Override
    public void run() {
        boolean handedOff = false;
        try {
            if (!drain(Thread.currentThread().isVirtual() ? HANDOFF_BYTES : Long.MAX_VALUE)) {
                Thread.ofPlatform().name(Thread.currentThread().getName()).daemon().start(this::drainToEnd);
                handedOff = true;
            }
        } catch (IOException e) {
            // The pipe broke or was closed under us: what was read so far is the answer.
        } finally {
            if (!handedOff) {
                finish();
            }
        }
    }

    private void drainToEnd() {
        try {
            drain(Long.MAX_VALUE);
        } catch (IOException e) {
            // as in run()
        } finally {
            finish();
        }
    }

    /** Reads until EOF (returns true) or until at least {@code budget} bytes were read (returns false). */
    @SuppressWarnings("NonAtomicVolatileUpdate") // kept, dropped: the pump is their only writer
    private boolean drain(long budget) throws IOException {
        for (long read = 0; read < budget; ) {
            int n;
            if (kept < cap) {
                byte[] buf = head;
                if (kept == buf.length) {
                    // Grow geometrically: most runs write little, so don't allocate the whole cap up front.
                    buf = Arrays.copyOf(buf, (int) Math.min(cap, Math.max(CHUNK, 2L * buf.length)));
                    head = buf;
                }
                n = in.read(buf, kept, buf.length - kept);
                if (n > 0) {
                    kept += n;
                }
            } else {
                if (discard == null) {
                    discard = new byte[DISCARD_CHUNK];
                }
                n = in.read(discard);
                if (n > 0) {
                    dropped += n;
                }
            }
            if (n < 0) {
                return true;
            }
            read += n;
        }
        return false;
    }

    private void finish() {
        try {
            in.close();
        } catch (IOException e) {
            // nothing left to lose
        }
        done.countDown();
    }

    /** Waits for EOF, at most {@code nanos}; a pump still running then is an orphan's pipe (see capture). */
    void await(long nanos) throws InterruptedException {
        done.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** What was read so far; after the pump finished, everything the child wrote. */
    CapturedOutput capture(Charset charset) {
        int n = kept;
        long d = dropped;
        byte[] bytes = Arrays.copyOf(head, n);
        return new CapturedOutput(bytes, decode(bytes, charset, d > 0), d);
    }

    static String decode(byte[] bytes, Charset charset, boolean truncated) {
        if (!truncated) {
            return new String(bytes, charset);
        }
        // endOfInput=false: a multi-byte sequence cut by the cap stays undecoded instead of becoming U+FFFD.
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte()) + 1);
        decoder.decode(ByteBuffer.wrap(bytes), out, false);
        return out.flip().toString();
    }
}
