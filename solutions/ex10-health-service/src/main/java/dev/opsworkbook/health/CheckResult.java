package dev.opsworkbook.health;

import org.jspecify.annotations.Nullable;

/** One check's outcome in a round: {@code error} is set exactly when the status is DOWN. */
record CheckResult(HealthCheck check, Status status, long latencyMillis, @Nullable String error) {
}
