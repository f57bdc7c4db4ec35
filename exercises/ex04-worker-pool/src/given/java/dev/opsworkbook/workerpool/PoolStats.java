package dev.opsworkbook.workerpool;

/**
 * The counters of a {@link WorkerPool} at one moment, all read together (a consistent snapshot).
 *
 * @param submitted   items accepted by {@code submit}/{@code offer} since the pool started
 * @param completed   items whose handler returned normally
 * @param failed      items whose handler threw, other than the ones counted as interrupted
 * @param interrupted items whose handler threw after shutdown interrupted it at the deadline
 * @param queued      items waiting in the queue (never more than the capacity)
 * @param running     items being processed right now (never more than the number of workers)
 */
public record PoolStats(long submitted, long completed, long failed, long interrupted, int queued, int running) {
}
