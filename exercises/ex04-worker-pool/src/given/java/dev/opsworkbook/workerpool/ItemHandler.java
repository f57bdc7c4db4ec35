package dev.opsworkbook.workerpool;

/**
 * Processes one item. Called by the pool's workers, several at once: an implementation must be
 * thread-safe.
 *
 * <p>A handler may throw anything: the pool counts and logs the failure and carries on. A handler that
 * is interrupted (by {@link WorkerPool#shutdown}, when the deadline has passed) should stop and throw,
 * usually the {@link InterruptedException} it got from a blocking call.
 *
 * @param <T> the type of the items
 */
@FunctionalInterface
public interface ItemHandler<T> {

    /** Processes {@code item}. */
    void handle(T item) throws Exception;
}
