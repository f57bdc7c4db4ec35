package dev.opsworkbook.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Redis, by a RESP {@code PING} on a socket of its own: {@code +PONG} is up, {@code -LOADING} (the dataset is still
 * being read from disk) degraded, any other reply, error or silence down. No client library: a health check wants
 * one short round trip with a hard deadline, not a connection pool whose own retries and timeouts sit between it and
 * the answer.
 */
public final class RedisHealthCheck implements HealthCheck {

    private final String name;
    private final boolean critical;
    private final Duration timeout;
    private final InetSocketAddress address;

    public RedisHealthCheck(String name, boolean critical, Duration timeout, InetSocketAddress address) {
        this.name = Objects.requireNonNull(name, "name");
        this.critical = critical;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.address = Objects.requireNonNull(address, "address");
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
    public Status check(CheckContext context) throws IOException {
        throw new UnsupportedOperationException("TODO RedisHealthCheck.check: see the README, Task 1");
    }

}
