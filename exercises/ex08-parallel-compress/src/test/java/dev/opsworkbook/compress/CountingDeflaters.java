package dev.opsworkbook.compress;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

/**
 * A {@link Deflaters} that counts the Deflaters it made, those not yet ended, and the most alive at once. Subclasses
 * may watch every {@code deflate} call ({@link #entering()}, {@link #leaving()}).
 */
class CountingDeflaters implements Deflaters {
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();

    @Override
    public Deflater create(int level) {
        created.incrementAndGet();
        peak.accumulateAndGet(live.incrementAndGet(), Math::max);
        return new Deflater(level, true) {
            private boolean ended;

            // Every deflate overload ends in one of these two.
            @Override
            public int deflate(byte[] output, int off, int len, int flush) {
                entering();
                try {
                    return super.deflate(output, off, len, flush);
                } finally {
                    leaving();
                }
            }

            @Override
            public int deflate(ByteBuffer output, int flush) {
                entering();
                try {
                    return super.deflate(output, flush);
                } finally {
                    leaving();
                }
            }

            @Override
            public void end() {
                synchronized (this) {
                    if (!ended) {
                        ended = true;
                        live.decrementAndGet();
                    }
                }
                super.end();
            }
        };
    }

    /** Called as a thread enters {@code deflate}. */
    void entering() {
    }

    /** Called as a thread leaves {@code deflate}. */
    void leaving() {
    }
}
