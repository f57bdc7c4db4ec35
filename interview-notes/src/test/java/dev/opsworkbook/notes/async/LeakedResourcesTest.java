package dev.opsworkbook.notes.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.opsworkbook.testing.LeakCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q29: leaked resources")
class LeakedResourcesTest {

    static final int CALLS = 20;

    @Nested
    @DisplayName("sockets")
    class Sockets {
        ServerSocket server;
        Thread acceptor;

        /** A loopback server that answers every connection with an error line and closes it. */
        @BeforeEach
        void startRefusingServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofPlatform().name("refusing-server").start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                        out.write("ERR busy\n".getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        // closed by the test
                    }
                }
            });
        }

        @AfterEach
        void stop() throws Exception {
            server.close();
            acceptor.join();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        @Test
        @DisplayName("the early throw leaks one socket per call, until a GC lets the JDK's Cleaner close them")
        void leakyVersionLeaksUntilGc() throws Exception {
            System.gc(); // start with an empty young generation, so no GC runs the sockets' cleaners mid-test
            long before = LeakedResources.openSockets();
            for (int i = 0; i < CALLS; i++) {
                assertThatThrownBy(() -> LeakedResources.readReplyLeaky(address()))
                        .isInstanceOf(IOException.class).hasMessage("server refused: ERR busy");
            }
            // The client read EOF each time, so the server had closed its end: what is left is ours.
            assertThat(LeakedResources.openSockets() - before).as("sockets left open by %d calls", CALLS)
                    .isGreaterThanOrEqualTo(CALLS);

            // The JDK registers a Cleaner per socket: unreachable sockets are closed, but only after a GC.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                System.gc();
                return LeakedResources.openSockets() <= before;
            });
        }

        @Test
        @DisplayName("try-with-resources: no socket left open after 20 failed calls, without any GC")
        void fixedVersionLeaksNothing() throws Exception {
            long before = LeakedResources.openSockets();
            for (int i = 0; i < CALLS; i++) {
                assertThatThrownBy(() -> LeakedResources.readReply(address())).isInstanceOf(IOException.class);
            }
            assertThat(LeakedResources.openSockets()).isLessThanOrEqualTo(before);
        }
    }

    @Nested
    @DisplayName("executors")
    class Pools {

        static Set<String> poolThreads() {
            return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("pool-")).collect(Collectors.toSet());
        }

        @Test
        @DisplayName("a pool nobody shuts down keeps its 4 non-daemon threads after the jobs are done")
        void unclosedPoolKeepsItsThreads() throws Exception {
            Set<String> before = poolThreads();
            CountDownLatch done = new CountDownLatch(8);
            ExecutorService leaked = LeakedResources.runBatchLeaky(
                    IntStream.range(0, 8).<Runnable>mapToObj(i -> done::countDown).toList());
            try {
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
                Set<String> after = poolThreads();
                after.removeAll(before);
                assertThat(after).as("pool threads alive after every job finished").hasSize(4);
                assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> after.contains(t.getName()))
                        .allSatisfy(t -> assertThat(t.isDaemon()).as("%s is a daemon", t.getName()).isFalse());
            } finally {
                leaked.close();
            }
        }

        @Test
        @DisplayName("try-with-resources on the pool: every job ran, and no pool thread is left")
        void closedPoolLeavesNothing() {
            Set<String> before = poolThreads();
            AtomicInteger ran = new AtomicInteger();
            LeakedResources.runBatch(IntStream.range(0, 8).<Runnable>mapToObj(i -> ran::incrementAndGet).toList());
            assertThat(ran.get()).isEqualTo(8);
            await().atMost(Duration.ofSeconds(5)).until(() -> before.containsAll(poolThreads()));
        }
    }

    @Nested
    @DisplayName("Cleaner")
    class CleanerSafetyNet {

        @Test
        @DisplayName("close() releases the file at once, and a second close() does nothing")
        void closeReleasesOnce(@TempDir Path dir) throws Exception {
            AtomicInteger released = new AtomicInteger();
            LeakedResources.ScratchFile scratch = new LeakedResources.ScratchFile(dir, released);
            assertThat(scratch.path()).exists();
            scratch.close();
            scratch.close();
            assertThat(scratch.path()).doesNotExist();
            assertThat(released.get()).isEqualTo(1);
        }

        @Test
        @DisplayName("a forgotten ScratchFile is released only after the GC finds it unreachable")
        void forgottenIsReleasedAfterGc(@TempDir Path dir) throws Exception {
            AtomicInteger released = new AtomicInteger();
            System.gc(); // an empty young generation: no GC between forgetting the file and the first check
            Path path = forget(dir, released);
            assertThat(path).as("still there: nothing has collected it yet").exists();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                System.gc();
                return released.get() == 1;
            });
            assertThat(Files.exists(path)).isFalse();
        }

        private static Path forget(Path dir, AtomicInteger released) throws IOException {
            return new LeakedResources.ScratchFile(dir, released).path(); // never closed
        }
    }
}
