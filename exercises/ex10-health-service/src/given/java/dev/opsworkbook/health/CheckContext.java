package dev.opsworkbook.health;

import java.util.Objects;

/**
 * What a {@link HealthCheck} is told about the run it is part of.
 *
 * @param requestId the request id of the run: the {@code X-Request-ID} (accepted or generated) of the request that
 *                  started it, also when that request did not wait for it (a background refresh). The same id is in
 *                  the SLF4J MDC (key
 *                  {@link Settings#MDC_REQUEST_ID}) of the thread that calls {@link HealthCheck#check}.
 */
public record CheckContext(String requestId) {
    public CheckContext {
        Objects.requireNonNull(requestId, "requestId");
    }
}
