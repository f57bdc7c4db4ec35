package dev.opsworkbook.safeexec;

import java.time.Duration;

/**
 * How a run ended.
 *
 * @param exitCode the child's exit status; a child killed by signal N reports {@code 128 + N}
 *                 (so 143 for SIGTERM, 137 for SIGKILL), as a shell would
 * @param stdout   what the child wrote to standard output (capped)
 * @param stderr   what the child wrote to standard error (capped)
 * @param timedOut whether the timeout expired and the process tree was stopped
 * @param duration wall time from start to the end of the run; it spans at least the child's whole life
 * @param pid      the child's process id
 */
public record ExecResult(int exitCode, CapturedOutput stdout, CapturedOutput stderr, boolean timedOut,
                         Duration duration, long pid) {
}
