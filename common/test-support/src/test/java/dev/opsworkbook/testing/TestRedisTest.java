package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@RealRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestRedisTest {

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    @Test
    @Order(1)
    void startsARealServerOnLoopback(TestRedis redis) {
        assertThat(redis.host()).isEqualTo("127.0.0.1");
        assertThat(redis.uri().toString()).isEqualTo("redis://127.0.0.1:" + redis.port());
        assertThat(redis.isRunning()).isTrue();
        assertThat(redis.version()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(redis.describe()).contains(redis.version()).contains(":" + redis.port());
        assertThat(redis.call("SET", "left-over", "1")).isEqualTo("OK");
    }

    @Test
    @Order(2)
    void everyTestStartsFromAnEmptyDatabaseAndZeroCounters(TestRedis redis) {
        assertThat(redis.call("DBSIZE")).isEqualTo(0L);
        assertThat(redis.calls("set")).isZero();
    }

    @Test
    @Order(3)
    void countsCommandsAndResetsTheCounters(TestRedis redis) {
        redis.call("SET", "k", "v");
        assertThat(redis.call("GET", "k")).isEqualTo("v");
        assertThat(redis.call("GET", "missing")).isNull();
        redis.call("MGET", "k", "missing");
        assertThat(redis.calls("get")).isEqualTo(2);
        assertThat(redis.calls("GET")).isEqualTo(2);
        assertThat(redis.calls("mget")).isEqualTo(1);
        assertThat(redis.commandCalls()).containsEntry("set", 1L);
        redis.resetStats();
        assertThat(redis.calls("get")).isZero();
        assertThatThrownBy(() -> redis.call("NO-SUCH-COMMAND")).hasMessageContaining("unknown command");
    }

    @Test
    @Order(4)
    void listsClientConnectionsWithoutItsOwn(TestRedis redis) throws IOException {
        int before = redis.clients().size();
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress(redis.host(), redis.port()));
            client.getOutputStream().write("PING\r\n".getBytes());
            assertThat(client.getInputStream().readNBytes(7)).asString().isEqualTo("+PONG\r\n");
            List<String> ports = redis.clients().stream().map(c -> c.get("addr")).toList();
            assertThat(ports).hasSize(before + 1).contains("127.0.0.1:" + client.getLocalPort());
        }
    }

    @Test
    @Order(5)
    void stopsAndRestartsOnTheSamePort(TestRedis redis) throws IOException {
        int port = redis.port();
        redis.call("SET", "k", "v");
        redis.stop();
        assertThat(redis.isRunning()).isFalse();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(redis.host(), port), 1000);
            }
        }).isInstanceOf(IOException.class);
        redis.restart();
        assertThat(redis.port()).isEqualTo(port);
        assertThat(redis.isRunning()).isTrue();
        assertThat(redis.call("GET", "k")).as("nothing is saved across a restart").isNull();
    }

    @Test
    @Order(6)
    void aTestThatStopsTheServerLeavesItStoppedForTheNextToRestart(TestRedis redis) {
        redis.stop();
        assertThat(redis.isRunning()).isFalse();
    }

    @Test
    @Order(7)
    void theNextTestFindsItRunningAgain(TestRedis redis) {
        assertThat(redis.isRunning()).isTrue();
        assertThat(redis.call("DBSIZE")).isEqualTo(0L);
    }

    @Nested
    class NestedClasses {
        @Test
        void shareTheOuterClassServer(TestRedis redis, TestRedis again) {
            assertThat(redis).isSameAs(again);
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.call("DBSIZE")).isEqualTo(0L);
        }
    }
}
