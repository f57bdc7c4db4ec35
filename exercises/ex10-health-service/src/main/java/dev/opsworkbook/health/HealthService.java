package dev.opsworkbook.health;

import java.io.IOException;
import java.util.List;

/**
 * The health service: {@code /livez}, {@code /readyz}, {@code /healthz}, {@code /metrics} and {@code /config} on the
 * JDK's HTTP server ({@code com.sun.net.httpserver}), one virtual thread per request. Everything it uses is handed
 * to {@link #start}; nothing is static, so a test can run several services with fake checks side by side.
 * The contract, endpoint by endpoint, is the README's.
 */
public final class HealthService implements AutoCloseable {

    private HealthService() {
    }

    /**
     * Starts listening on the loopback address, at {@code settings.port()} (0: any free port); the service answers
     * as soon as this returns. No check runs before the first request that needs one.
     *
     * @throws IllegalArgumentException when two checks share a name or a name is not {@code [a-z0-9_]{1,64}}
     * @throws IOException              when the port cannot be bound
     */
    public static HealthService start(Settings settings, List<HealthCheck> checks) throws IOException {
        throw new UnsupportedOperationException("TODO HealthService.start: see the README, Task 1");
    }

    /** The port the service listens on. */
    public int port() {
        throw new UnsupportedOperationException("TODO HealthService.port");
    }

    /**
     * Drains and stops: {@code /readyz} answers 503 at once while connections are still accepted for
     * {@code settings.drainPeriod()}; then the listener closes and requests in flight get up to
     * {@code settings.drainDeadline()} to finish; then every thread and socket of the service is gone.
     * A second call returns at once.
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO HealthService.close: see the README, Task 5");
    }
}
