package dev.opsworkbook.notes.delivery;

import java.util.concurrent.atomic.AtomicReference;

/** Q20: something asynchronous to test without sleeping: a readiness flag flipped by a background warm-up. */
public final class ReadinessGate implements AutoCloseable {

    /** Where the warm-up is. */
    public enum State { STARTING, READY, FAILED }

    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final Thread warmup;

    public ReadinessGate(Runnable warmupTask) {
        warmup = Thread.ofVirtual().name("warmup").start(() -> {
            try {
                warmupTask.run();
                state.set(State.READY);
            } catch (RuntimeException e) {
                state.set(State.FAILED);
            }
        });
    }

    @SuppressWarnings("NullAway") // the reference starts at a state and is never cleared
    public State state() {
        return state.get();
    }

    @Override
    public void close() throws InterruptedException {
        warmup.interrupt();
        warmup.join();
    }
}
