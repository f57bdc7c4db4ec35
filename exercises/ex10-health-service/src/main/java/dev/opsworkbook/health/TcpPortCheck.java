package dev.opsworkbook.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/** A TCP port: up when a connection is accepted within the timeout (and closed again at once). */
public final class TcpPortCheck implements HealthCheck {

    private final String name;
    private final boolean critical;
    private final Duration timeout;
    private final InetSocketAddress address;

    public TcpPortCheck(String name, boolean critical, Duration timeout, InetSocketAddress address) {
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
        throw new UnsupportedOperationException("TODO TcpPortCheck.check: see the README, Task 1");
    }
}
