package dev.opsworkbook.compress;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One progress report of a {@code compress} call. Given: do not change this type.
 *
 * @param bytesDone  input bytes accounted for so far: {@code 0 <= bytesDone <= bytesTotal}
 * @param bytesTotal the sum of the input files' sizes when the call started (a missing file counts 0)
 * @param filesDone  files finished so far, whatever the outcome (ok, failed or skipped)
 * @param filesTotal files in the call
 * @param elapsed    time since the call started
 */
public record Progress(long bytesDone, long bytesTotal, int filesDone, int filesTotal, Duration elapsed) {

    public Progress {
        Objects.requireNonNull(elapsed, "elapsed");
        if (bytesDone < 0 || bytesDone > bytesTotal) {
            throw new IllegalArgumentException("bytesDone must be in 0.." + bytesTotal + ", got " + bytesDone);
        }
        if (filesDone < 0 || filesDone > filesTotal) {
            throw new IllegalArgumentException("filesDone must be in 0.." + filesTotal + ", got " + filesDone);
        }
    }

    /** {@code bytesDone} as a percentage of {@code bytesTotal}, rounded down; 100 when there is nothing to do. */
    public int percent() {
        return bytesTotal == 0 ? 100 : (int) (bytesDone * 100 / bytesTotal);
    }

    /** Input bytes per second so far (0 before any time has passed). */
    public double bytesPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : bytesDone * 1e9 / nanos;
    }

    /** The time left at the rate so far; empty while the rate is still 0. */
    public Optional<Duration> eta() {
        double rate = bytesPerSecond();
        if (rate <= 0) {
            return bytesDone == bytesTotal ? Optional.of(Duration.ZERO) : Optional.empty();
        }
        return Optional.of(Duration.ofNanos((long) ((bytesTotal - bytesDone) / rate * 1e9)));
    }
}
