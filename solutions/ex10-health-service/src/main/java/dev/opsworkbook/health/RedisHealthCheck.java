package dev.opsworkbook.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Redis, by a RESP {@code PING} on a socket of its own: {@code +PONG} is up, {@code -LOADING} (the dataset is still
 * being read from disk) degraded, any other reply, error or silence down. No client library: a health check wants
 * one short round trip with a hard deadline, not a connection pool whose own retries and timeouts sit between it and
 * the answer.
 */
public final class RedisHealthCheck implements HealthCheck {

    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    /** A PING reply is one short line; anything longer is not Redis. */
    private static final int MAX_REPLY = 512;

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
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) Math.max(1, timeout.toMillis()));
            socket.getOutputStream().write(PING);
            String reply = readLine(socket, deadline);
            if (reply.equals("+PONG")) {
                return Status.UP;
            }
            if (reply.startsWith("-LOADING")) {
                return Status.DEGRADED;
            }
            throw new IOException("Redis answered PING with " + (reply.startsWith("-") ? reply.substring(1) : reply));
        }
    }

    /** One CRLF-terminated line, read within the deadline (each read's timeout is what is left of it). */
    private static String readLine(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        while (line.length() < MAX_REPLY) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no reply to PING in time");
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int b = in.read();
            if (b < 0) {
                throw new IOException("Redis closed the connection before answering PING");
            }
            if (b == '\n' && !line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
        }
        throw new IOException("the reply to PING is longer than " + MAX_REPLY + " bytes");
    }
}
