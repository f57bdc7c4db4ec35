package dev.opsworkbook.workerpool;

import java.util.List;

/**
 * What {@link WorkerPool#shutdown} did with every item the pool ever accepted. Nothing is lost:
 * {@code submitted == completed + failed + interrupted.size() + unstarted.size() + abandoned.size()}.
 *
 * @param submitted   items accepted since the pool started
 * @param completed   items whose handler returned normally
 * @param failed      items whose handler threw, other than the interrupted ones
 * @param interrupted items that were still running at the deadline, were interrupted, and then threw within
 *                    the short grace that follows the interrupt
 * @param unstarted   items still queued at the deadline, in the order they were submitted: never started,
 *                    handed back so the caller can run them elsewhere or later
 * @param abandoned   items still running after the deadline and the short grace that follows the
 *                    interrupt: their handler ignores interrupts. Their threads (daemon threads) keep
 *                    running until the handler returns; the pool no longer waits for them.
 * @param <T>         the type of the items
 */
public record ShutdownReport<T>(long submitted, long completed, long failed, List<T> interrupted, List<T> unstarted,
                                List<T> abandoned) {

    /** Copies the lists (unmodifiable, no nulls). */
    public ShutdownReport {
        interrupted = List.copyOf(interrupted);
        unstarted = List.copyOf(unstarted);
        abandoned = List.copyOf(abandoned);
    }

    /** Every item this report accounts for; equal to {@link #submitted()} when nothing was lost. */
    public long accountedFor() {
        return completed + failed + interrupted.size() + unstarted.size() + abandoned.size();
    }
}
