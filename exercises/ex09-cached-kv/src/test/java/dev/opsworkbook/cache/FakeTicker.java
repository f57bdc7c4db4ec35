package dev.opsworkbook.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker the test moves by hand; it starts far from zero so that arithmetic on raw readings shows up. */
final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - Duration.ofDays(1).toNanos());

    @Override
    public long read() {
        return nanos.get();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
