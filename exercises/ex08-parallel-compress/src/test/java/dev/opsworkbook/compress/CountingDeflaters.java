package dev.opsworkbook.compress;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

/** A {@link Deflaters} that counts the Deflaters it made, those not yet ended, and the most alive at once. */
final class CountingDeflaters implements Deflaters {
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();

    @Override
    public Deflater create(int level) {
        created.incrementAndGet();
        peak.accumulateAndGet(live.incrementAndGet(), Math::max);
        return new Deflater(level, true) {
            private boolean ended;

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
}
