package dev.opsworkbook.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * An HTTP dependency: {@code GET uri} answered with a 2xx is up; any other status, or no answer within the timeout,
 * is down. The {@link HttpClient} is injected: the composition root owns (and closes) it, and it can share one
 * connection pool among all HTTP checks.
 */
public final class HttpDependencyCheck implements HealthCheck {

    private final String name;
    private final boolean critical;
    private final Duration timeout;
    private final HttpClient client;
    private final URI uri;

    public HttpDependencyCheck(String name, boolean critical, Duration timeout, HttpClient client, URI uri) {
        this.name = Objects.requireNonNull(name, "name");
        this.critical = critical;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = Objects.requireNonNull(client, "client");
        this.uri = Objects.requireNonNull(uri, "uri");
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
    public Status check(CheckContext context) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("TODO HttpDependencyCheck.check: see the README, Task 1");
    }
}
