package dev.opsworkbook.logfollower;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns the bytes of one file, read in arbitrary chunks, into lines.
 *
 * <p>It works on bytes and decodes a line only once it is complete: a multi-byte UTF-8 character split
 * between two reads is joined before decoding, and a partial line waits in {@link #pending} for its
 * newline. A line ends at LF; a CR right before it is dropped. {@link #pending} never holds more than
 * {@code maxLineBytes + 1} bytes (the +1 is a CR that may turn out to precede the LF): a longer line is
 * delivered cut and the rest of it is skipped up to the next LF. One splitter per open file: a file rotated away
 * may still complete its last line while the new file is read.
 */
final class LineSplitter {

    /** Where complete lines go; may block (the queue is full) and then be interrupted (close). */
    interface Sink {
        void accept(String line) throws InterruptedException;
    }

    private final int maxLineBytes;
    private final Sink sink;
    private byte[] pending = new byte[128];
    private int pendingLength;
    private boolean skippingRestOfLongLine;
    private final LongAdder linesCut; // shared by the splitters of one follower; stats() reads it

    LineSplitter(int maxLineBytes, Sink sink, LongAdder linesCut) {
        this.maxLineBytes = maxLineBytes;
        this.sink = sink;
        this.linesCut = linesCut;
    }

    /** Consumes {@code bytes[from, to)}. */
    void feed(byte[] bytes, int from, int to) throws InterruptedException {
        int start = from;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                endOfLine(bytes, start, i);
                start = i + 1;
            }
        }
        hold(bytes, start, to);
    }

    /** Delivers a held partial line as it is: its file was rotated or truncated, its newline will not come. */
    void flushPartialLine() throws InterruptedException {
        if (pendingLength > 0 && !skippingRestOfLongLine) {
            deliver(pending, 0, pendingLength, true);
        }
        reset();
    }

    private void reset() {
        pendingLength = 0;
        skippingRestOfLongLine = false;
    }

    private void endOfLine(byte[] bytes, int from, int lf) throws InterruptedException {
        if (pendingLength == 0 && !skippingRestOfLongLine) {
            deliver(bytes, from, lf, true); // the common case: the whole line is in this chunk, no copy
            return;
        }
        hold(bytes, from, lf);
        if (!skippingRestOfLongLine) {
            deliver(pending, 0, pendingLength, true);
        }
        reset();
    }

    private void hold(byte[] bytes, int from, int to) throws InterruptedException {
        if (skippingRestOfLongLine || from == to) {
            return;
        }
        int limit = maxLineBytes + 1;
        int n = Math.min(to - from, limit - pendingLength);
        if (pendingLength + n > pending.length) {
            pending = Arrays.copyOf(pending, Math.min(limit, Math.max(pendingLength + n, 2 * pending.length)));
        }
        System.arraycopy(bytes, from, pending, pendingLength, n);
        pendingLength += n;
        if (n < to - from) {
            // Longer than any line we keep: deliver its head now, skip the rest up to the LF.
            deliver(pending, 0, pendingLength, false);
            pendingLength = 0;
            skippingRestOfLongLine = true;
        }
    }

    /** {@code complete}: the line ended here (strip its CR), rather than being cut because it is too long. */
    private void deliver(byte[] bytes, int from, int to, boolean complete) throws InterruptedException {
        if (complete && to > from && bytes[to - 1] == '\r') {
            to--;
        }
        if (to - from > maxLineBytes) {
            to = from + maxLineBytes;
            // Do not cut a UTF-8 sequence: back up to the lead byte of the character that straddles the cut.
            while (to > from && (bytes[to] & 0xC0) == 0x80) {
                to--;
            }
            linesCut.increment();
        }
        sink.accept(new String(bytes, from, to - from, UTF_8));
    }
}
