package dev.opsworkbook.health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A health check the test controls: what it answers (or how long it blocks) is a {@link Behavior} that the test can
 * swap; it counts its calls and records the request id it was given and the one in its thread's MDC. It logs one
 * INFO event per call on {@link #LOGGER}, as a real check might ("pinging db").
 */
final class FakeCheck implements HealthCheck {

    static final String LOGGER = "dev.opsworkbook.health.fake-check";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    @FunctionalInterface
    interface Behavior {
        Status run(CheckContext context) throws Exception;
    }

    private final String name;
    private final boolean critical;
    private final Duration timeout;
    private volatile Behavior behavior;
    final AtomicInteger calls = new AtomicInteger();
    final List<String> contextIds = new CopyOnWriteArrayList<>();
    final List<String> mdcIds = new CopyOnWriteArrayList<>();

    FakeCheck(String name, boolean critical, Duration timeout, Behavior behavior) {
        this.name = name;
        this.critical = critical;
        this.timeout = timeout;
        this.behavior = behavior;
    }

    static FakeCheck up(String name, boolean critical) {
        return new FakeCheck(name, critical, Duration.ofSeconds(5), context -> Status.UP);
    }

    void behave(Behavior newBehavior) {
        behavior = newBehavior;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean critical() {
        return critical;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Status check(CheckContext context) throws Exception {
        calls.incrementAndGet();
        contextIds.add(context.requestId());
        mdcIds.add(String.valueOf(MDC.get(Settings.MDC_REQUEST_ID)));
        log.info("checking {}", name);
        return behavior.run(context);
    }
}
