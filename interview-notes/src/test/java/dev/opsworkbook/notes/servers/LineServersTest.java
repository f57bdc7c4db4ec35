package dev.opsworkbook.notes.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.opsworkbook.testing.LeakCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q23 and Q25: an NIO line server and a virtual-thread-per-connection server")
class LineServersTest {

    static final int CONNECTIONS = 2_000;
    static final Duration SLOW_CALL = Duration.ofMillis(300);

    /** A blocking client: one line out, one line back. */
    record Client(Socket socket, BufferedReader in, OutputStream out) implements AutoCloseable {
        static Client connect(int port) throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(20_000);
            return new Client(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)),
                    s.getOutputStream());
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String receive() throws IOException {
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static long maxOpenFiles() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files"))
                .map(l -> l.split("\\s+")[3]) // the soft limit
                .mapToLong(v -> v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v))
                .findFirst().orElse(Long.MAX_VALUE);
    }

    /**
     * Opens {@code CONNECTIONS} connections at once (client ends on virtual threads), waits until the server
     * holds all of them open, then has each send a line and check the echo. Returns the platform threads
     * added while all were open.
     */
    static int loadTest(int port, IntSupplier serverOpen) throws Exception {
        assumeThat(maxOpenFiles()).as("ulimit -n: this test holds 2 x %d sockets", CONNECTIONS)
                .isGreaterThan(2L * CONNECTIONS + 500);
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        CountDownLatch allOpen = new CountDownLatch(1);
        List<Future<String>> replies = new ArrayList<>();
        int threadsDuring;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CONNECTIONS; i++) {
                String line = "hello " + i;
                replies.add(clients.submit(() -> {
                    try (Client c = Client.connect(port)) {
                        assertThat(allOpen.await(30, TimeUnit.SECONDS)).isTrue();
                        c.send(line);
                        return c.receive();
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> serverOpen.getAsInt() == CONNECTIONS);
            threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
            allOpen.countDown();
            for (int i = 0; i < CONNECTIONS; i++) {
                assertThat(replies.get(i).get()).isEqualTo("hello " + i);
            }
        }
        return threadsDuring - threadsBefore;
    }

    /** The handler both servers run: echo, except "slow", which blocks the calling thread first. */
    static UnaryOperator<String> echo(Runnable slowCall) {
        return line -> {
            if (line.equals("slow")) {
                slowCall.run();
            }
            return line;
        };
    }

    static final Runnable NOTHING_SLOW = () -> { };

    @Nested
    @DisplayName("the NIO server (one thread, one Selector)")
    class Nio {

        @Test
        @DisplayName("echoes 2,000 concurrent loopback connections on its single loop thread")
        void twoThousandConnectionsOnOneThread() throws Exception {
            try (NioLineServer server = new NioLineServer(CONNECTIONS, echo(NOTHING_SLOW))) {
                int added = loadTest(server.port(), server::openConnections);
                assertThat(server.peakConnections()).isEqualTo(CONNECTIONS);
                long loopThreads = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("nio-loop")).count();
                assertThat(loopThreads).as("threads serving the connections").isEqualTo(1);
                assertThat(added).as("platform threads added (clients are virtual threads)")
                        .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 8);
            }
        }

        @Test
        @DisplayName("one blocking call in the handler stalls every other connection until it returns")
        void oneBlockingCallStallsEveryone() throws Exception {
            AtomicLong slowStarted = new AtomicLong();
            CountDownLatch inSlowCall = new CountDownLatch(1);
            Runnable sleep = () -> {
                slowStarted.set(System.nanoTime());
                inSlowCall.countDown();
                try {
                    Thread.sleep(SLOW_CALL); // e.g. a blocking JDBC or HTTP call made on the loop thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            try (NioLineServer server = new NioLineServer(50, echo(sleep));
                 Client a = Client.connect(server.port());
                 Client b = Client.connect(server.port())) {
                a.send("slow");
                assertThat(inSlowCall.await(10, TimeUnit.SECONDS)).isTrue();
                long sent = System.nanoTime();
                b.send("ping");
                assertThat(b.receive()).isEqualTo("ping");
                long answered = System.nanoTime();

                // Sleep semantics guarantee the bound: B's answer cannot come before A's call returns.
                assertThat(Duration.ofNanos(answered - slowStarted.get()))
                        .as("B waited %d ms for a one-line echo", (answered - sent) / 1_000_000)
                        .isGreaterThanOrEqualTo(SLOW_CALL);
                assertThat(a.receive()).isEqualTo("slow");
            }
        }
    }

    @Nested
    @DisplayName("the virtual-thread server (one virtual thread per connection)")
    class PerConnection {

        @Test
        @DisplayName("echoes 2,000 concurrent loopback connections with a handful of platform threads")
        void twoThousandConnections() throws Exception {
            try (VirtualThreadLineServer server = new VirtualThreadLineServer(CONNECTIONS, echo(NOTHING_SLOW))) {
                int added = loadTest(server.port(), server::openConnections);
                assertThat(server.peakConnections()).isEqualTo(CONNECTIONS);
                assertThat(added).as("platform threads added for 2 x %d connections on virtual threads", CONNECTIONS)
                        .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 8);
            }
        }

        @Test
        @DisplayName("a blocking call delays only its own connection: B is answered while A's call still blocks")
        void blockingCallDelaysOnlyItsConnection() throws Exception {
            CountDownLatch bAnswered = new CountDownLatch(1);
            CountDownLatch inSlowCall = new CountDownLatch(1);
            Runnable blockUntilBIsAnswered = () -> {
                inSlowCall.countDown();
                try {
                    bAnswered.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            try (VirtualThreadLineServer server = new VirtualThreadLineServer(50, echo(blockUntilBIsAnswered));
                 Client a = Client.connect(server.port());
                 Client b = Client.connect(server.port())) {
                a.send("slow");
                assertThat(inSlowCall.await(10, TimeUnit.SECONDS)).isTrue();
                b.send("ping");
                assertThat(b.receive()).isEqualTo("ping"); // A's handler is still blocked here
                assertThat(inSlowCall.getCount()).isZero();
                bAnswered.countDown();
                assertThat(a.receive()).isEqualTo("slow");
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
