package dev.opsworkbook.testing.samples;

import dev.opsworkbook.testing.LeakCheck;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Run by LeakCheckTest through the launcher (never directly: surefire excludes samples). */
public class LeakingSample {

    public static final CountDownLatch RELEASE = new CountDownLatch(1);

    @RegisterExtension
    static final LeakCheck LEAKS = LeakCheck.ignoringThreads().settlingWithin(java.time.Duration.ofMillis(300));

    @Test
    void leaksAThread() {
        Thread.ofPlatform().name("pump-1").daemon().start(() -> {
            try {
                RELEASE.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void cleansUp() throws InterruptedException {
        Thread t = Thread.ofPlatform().name("worker").start(() -> { });
        t.join();
    }
}
