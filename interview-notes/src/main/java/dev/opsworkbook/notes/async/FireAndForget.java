package dev.opsworkbook.notes.async;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Q28: where the exception of a fire-and-forget task goes, and how to make sure somebody sees it. */
public final class FireAndForget {

    private FireAndForget() {
    }

    // @start region=lost
    /** The classic loss: submit() stores the failure in a Future, and nobody ever reads it. */
    static void submitAndForget(ExecutorService executor, Runnable task) {
        Future<?> unused = executor.submit(task); // no log, no uncaught handler: the exception dies here
    }
    // @end region=lost

    // @start region=launch
    /** Fire-and-forget done right: whatever escapes the task is reported (log it, count it, alert on it). */
    static void launch(ExecutorService executor, Runnable task, Consumer<Throwable> onFailure) {
        executor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                onFailure.accept(e); // e.g. log.error("background job failed", e); failures.increment()
                if (e instanceof Error error) {
                    throw error;     // an OutOfMemoryError is not "handled" by logging it
                }
            }
        });
    }
    // @end region=launch
}
