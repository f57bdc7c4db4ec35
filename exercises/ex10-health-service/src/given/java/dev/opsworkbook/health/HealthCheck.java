package dev.opsworkbook.health;

import java.time.Duration;

/**
 * One dependency the service checks: a database, a cache, an HTTP API, a disk. The service calls
 * {@link #check} on a thread of its own, at most once per cache interval, and gives up on it after
 * {@link #timeout()}.
 *
 * <p>Implementations are given to {@link HealthService#start} by the composition root; tests give fakes.
 */
public interface HealthCheck {

    /** The dependency's name in {@code /healthz} and in metric labels: 1 to 64 characters of {@code [a-z0-9_]}. */
    String name();

    /**
     * Whether the service cannot serve without it: a critical dependency that is {@link Status#DOWN} makes
     * {@code /readyz} 503 and {@code /healthz} {@code "down"} (503); a non-critical one only makes
     * {@code /healthz} {@code "degraded"} (200).
     */
    boolean critical();

    /**
     * How long the service waits for {@link #check} before it reports the dependency {@link Status#DOWN}
     * with a timeout error. Positive.
     */
    Duration timeout();

    /**
     * Checks the dependency once.
     *
     * @return {@link Status#UP}, {@link Status#DEGRADED} or {@link Status#DOWN}
     * @throws Exception when the dependency cannot be reached or answers wrongly: reported as {@link Status#DOWN}
     *                   with the exception's message as the error text
     */
    Status check(CheckContext context) throws Exception;
}
