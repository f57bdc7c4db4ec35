package dev.opsworkbook.compress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one input file. Given: do not change this type.
 *
 * @param input       the input path, exactly as it was passed to {@code compress}
 * @param status      {@link Status#OK}, {@link Status#FAILED} or {@link Status#SKIPPED}
 * @param output      the {@code .gz} file that now exists: set for {@code OK} only, {@code null} otherwise
 * @param inputBytes  bytes read from the input by the successful attempt ({@code OK}); {@code 0} otherwise
 * @param outputBytes the size of the {@code .gz} file ({@code OK}); {@code 0} otherwise
 * @param attempts    attempts made: {@code 1..maxAttempts} for {@code OK} and {@code FAILED}, {@code 0} for
 *                    {@code SKIPPED}
 * @param duration    from the first attempt's start to the file's end (including backoff waits)
 * @param error       the last attempt's exception for {@code FAILED}; {@code null} otherwise
 */
public record FileResult(Path input, Status status, @Nullable Path output, long inputBytes, long outputBytes,
                         int attempts, Duration duration, @Nullable Exception error) {

    /** The outcome of one file. */
    public enum Status {
        /** Compressed: {@code output} exists, complete. */
        OK,
        /** Given up on: no {@code .gz} and no {@code .gz.tmp} is left for it; {@code error} says why. */
        FAILED,
        /** Not attempted: the input's name ends with {@code .gz}, or its output exists and overwrite is off. */
        SKIPPED
    }

    public FileResult {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        if (status == Status.OK && output == null) {
            throw new IllegalArgumentException("an OK result needs its output");
        }
        if (status == Status.FAILED && error == null) {
            throw new IllegalArgumentException("a FAILED result needs its error");
        }
    }

    public boolean ok() {
        return status == Status.OK;
    }
}
