package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@RealRedis
class TcpProxyTest {

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    static String ping(Socket socket) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        return new String(in.readNBytes(7), StandardCharsets.US_ASCII);
    }

    @Test
    void forwardsBothWays(TestRedis redis) throws Exception {
        try (TcpProxy proxy = TcpProxy.to(redis.host(), redis.port());
                Socket socket = new Socket(proxy.host(), proxy.port())) {
            assertThat(ping(socket)).isEqualTo("+PONG\r\n");
            assertThat(proxy.connections()).isEqualTo(1);
        }
    }

    @Test
    void delaysEveryReplyButNotAPipeline(TestRedis redis) throws Exception {
        try (TcpProxy proxy = TcpProxy.to(redis.host(), redis.port());
                Socket socket = new Socket(proxy.host(), proxy.port())) {
            proxy.replyLatency(Duration.ofMillis(200));
            long start = System.nanoTime();
            assertThat(ping(socket)).isEqualTo("+PONG\r\n");
            assertThat(ping(socket)).isEqualTo("+PONG\r\n");
            long twoTrips = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(twoTrips).as("two round trips at 200 ms").isGreaterThanOrEqualTo(400);
            start = System.nanoTime();
            socket.getOutputStream().write("PING\r\nPING\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readNBytes(21), StandardCharsets.US_ASCII))
                    .isEqualTo("+PONG\r\n".repeat(3));
            long pipelined = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(pipelined).as("three pipelined PINGs").isBetween(200L, 399L + 2_000L);
        }
    }

    @Test
    void freezeStallsWithoutClosing(TestRedis redis) throws Exception {
        try (TcpProxy proxy = TcpProxy.to(redis.host(), redis.port());
                Socket socket = new Socket(proxy.host(), proxy.port())) {
            assertThat(ping(socket)).isEqualTo("+PONG\r\n");
            proxy.freeze();
            socket.setSoTimeout(300);
            assertThatThrownBy(() -> ping(socket)).isInstanceOf(SocketTimeoutException.class);
            proxy.unfreeze();
            socket.setSoTimeout(5_000);
            assertThat(new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII))
                    .isEqualTo("+PONG\r\n");
        }
    }
}
