package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.opsworkbook.testing.samples.CleanSample;
import dev.opsworkbook.testing.samples.LeakingSample;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

@ExtendWith(LeakCheck.class)
class LeakCheckTest {

    private final LeakCheck check = new LeakCheck().settlingWithin(Duration.ofMillis(200));

    @TempDir
    Path dir;

    @Test
    void nothingNewIsNoLeak() {
        LeakCheck.Snapshot before = check.snapshot();
        assertThat(check.leaksSince(before)).isEmpty();
        check.assertNoLeaksSince(before);
    }

    @Test
    void aThreadStillRunningIsALeakWithItsNameAndStack() throws Exception {
        LeakCheck.Snapshot before = check.snapshot();
        CountDownLatch release = new CountDownLatch(1);
        Thread pump = Thread.ofPlatform().name("pump-1").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertThatThrownBy(() -> check.assertNoLeaksSince(before))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("thread 'pump-1' still running after the test")
                    .hasMessageContaining("CountDownLatch.await");
        } finally {
            release.countDown();
            pump.join();
        }
        check.assertNoLeaksSince(before);
    }

    @Test
    void aThreadThatEndsWhileTheCheckWaitsIsNoLeak() {
        LeakCheck.Snapshot before = check.snapshot();
        CountDownLatch release = new CountDownLatch(1);
        Thread.ofPlatform().name("finishing").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.ofVirtual().start(release::countDown);
        new LeakCheck().assertNoLeaksSince(before); // default settle: waits for the thread to end
    }

    @Test
    void infrastructureThreadsAreIgnored() throws Exception {
        LeakCheck.Snapshot before = check.snapshot();
        // Virtual threads start the scheduler's carrier threads, which linger for a while.
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                executor.submit(() -> {
                    Thread.sleep(5);
                    return null;
                });
            }
        }
        // Waiting for a process starts a "process reaper" thread that stays pooled.
        Process p = new ProcessBuilder("true").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        p.waitFor();
        p.onExit().get(5, TimeUnit.SECONDS);
        check.assertNoLeaksSince(before);
    }

    @Test
    void aRunningChildProcessIsALeakAndGetsKilled() throws Exception {
        LeakCheck.Snapshot before = check.snapshot();
        Process sleep = new ProcessBuilder("sleep", "30").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        sleep.getOutputStream().close();
        try {
            assertThatThrownBy(() -> check.assertNoLeaksSince(before))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("child process " + sleep.pid() + " still running after the test: sleep 30")
                    .hasMessageContaining("have now been killed");
            assertThat(sleep.waitFor(5, TimeUnit.SECONDS)).as("the leaked process was killed").isTrue();
        } finally {
            sleep.destroyForcibly();
            sleep.waitFor();
        }
    }

    @Test
    void openPipesAndSocketsAreLeaks() throws Exception {
        LeakCheck.Snapshot before = check.snapshot();
        Process cat = new ProcessBuilder("cat").start(); // three pipes to the child
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        try {
            assertThat(check.leaksSince(before))
                    .anySatisfy(l -> assertThat(l).startsWith("file descriptor ").contains("pipe:[").contains("a pipe"))
                    .anySatisfy(l -> assertThat(l).startsWith("file descriptor ").contains("socket:["));
        } finally {
            server.close();
            cat.getOutputStream().close();
            cat.getInputStream().close();
            cat.getErrorStream().close();
            cat.waitFor();
        }
        check.assertNoLeaksSince(before);
    }

    @Test
    void anOpenFileIsALeakButAJarIsNot() throws Exception {
        LeakCheck.Snapshot before = check.snapshot();
        Path file = dir.resolve("data.txt");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertThat(channel.isOpen()).isTrue();
            assertThat(check.leaksSince(before)).singleElement().asString()
                    .contains("still open after the test: " + file.toRealPath())
                    .contains("never closed");
        }
        assertThat(check.leaksSince(before)).isEmpty();
    }

    @Test
    void descriptorKinds() {
        assertThat(LeakCheck.counts("pipe:[123]")).isTrue();
        assertThat(LeakCheck.counts("socket:[123]")).isTrue();
        assertThat(LeakCheck.counts("/tmp/x.txt")).isTrue();
        assertThat(LeakCheck.counts("/tmp/x.txt (deleted)")).isTrue();
        assertThat(LeakCheck.counts("anon_inode:[eventpoll]")).isFalse();
        assertThat(LeakCheck.counts("/root/.m2/repository/a/b.jar")).isFalse();
        assertThat(LeakCheck.counts(System.getProperty("java.home") + "/lib/modules")).isFalse();
        assertThat(LeakCheck.counts("/dev/null")).isFalse();
        assertThat(LeakCheck.counts("/proc/1/fd")).isFalse();
    }

    @Test
    void asAnExtensionItFailsTheTestThatLeaked() throws IOException {
        try {
            TestExecutionSummary leaking = run(LeakingSample.class);
            assertThat(leaking.getTestsSucceededCount()).isEqualTo(1);
            assertThat(leaking.getFailures()).singleElement().satisfies(f -> {
                assertThat(f.getTestIdentifier().getDisplayName()).isEqualTo("leaksAThread()");
                assertThat(f.getException()).hasMessageContaining("thread 'pump-1' still running after the test");
            });
        } finally {
            LeakingSample.RELEASE.countDown();
        }
        TestExecutionSummary clean = run(CleanSample.class);
        assertThat(clean.getFailures()).isEmpty();
        assertThat(clean.getTestsSucceededCount()).isEqualTo(1);
    }

    static TestExecutionSummary run(Class<?> testClass) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(testClass))
                // Keep auto-registered listeners (the grading report) out of this nested run.
                .configurationParameter("junit.platform.execution.listeners.deactivate", "*")
                .build();
        LauncherFactory.create().execute(request, listener);
        return listener.getSummary();
    }

}
