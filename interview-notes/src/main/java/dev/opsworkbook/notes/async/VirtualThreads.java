package dev.opsworkbook.notes.async;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** Q21: what a virtual thread costs while it sleeps, and what still holds on to its carrier (pinning). */
public final class VirtualThreads {

    private VirtualThreads() {
    }

    /** What the JVM looked like while every task was asleep. */
    record Census(int sleeping, int platformThreadsBefore, int platformThreadsDuring) {
    }

    // @start region=sleepers
    /** Starts {@code tasks} virtual threads that all sleep at once, counts the OS threads, then wakes them. */
    static Census sleepAtOnce(int tasks) throws InterruptedException {
        int before = platformThreads();
        List<Thread> sleepers = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            sleepers.add(Thread.ofVirtual().name("sleeper-", i).start(() -> {
                try {
                    Thread.sleep(Duration.ofMinutes(1)); // parks: the carrier is free for the next one
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // woken on purpose; the task ends
                }
            }));
        }
        int sleeping = 0;
        for (Thread t : sleepers) {
            while (t.getState() != Thread.State.TIMED_WAITING) { // started but not yet inside sleep
                Thread.onSpinWait();
            }
            sleeping++;
        }
        int during = platformThreads(); // ThreadMXBean counts platform threads only
        sleepers.forEach(Thread::interrupt);
        for (Thread t : sleepers) {
            t.join();
        }
        return new Census(sleeping, before, during);
    }

    static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
    // @end region=sleepers

    // @start region=pinning
    /** Runs {@code blockingCall} on a virtual thread under JFR and counts the jdk.VirtualThreadPinned events. */
    static long pinnedEvents(Runnable blockingCall) throws IOException, InterruptedException {
        Path file = Files.createTempFile("pinning", ".jfr");
        try (Recording recording = new Recording()) {
            // on by default in the "default" settings with a 20 ms threshold; every pinned park counts here
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            Thread.ofVirtual().start(blockingCall).join();
            recording.stop();
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .map(RecordedEvent::getEventType)
                    .filter(type -> type.getName().equals("jdk.VirtualThreadPinned"))
                    .count();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static final Object MONITOR = new Object();
    private static final ReentrantLock LOCK = new ReentrantLock();

    /** Blocks while holding a monitor: pins the carrier on JDK 21-23, not since JDK 24 (JEP 491). */
    static void sleepInsideSynchronized() {
        synchronized (MONITOR) {
            sleepQuietly(Duration.ofMillis(50));
        }
    }

    /** Blocks while holding a java.util.concurrent lock: never pins, the JDK 21 fix. */
    static void sleepInsideReentrantLock() {
        LOCK.lock();
        try {
            sleepQuietly(Duration.ofMillis(50));
        } finally {
            LOCK.unlock();
        }
    }

    /** Blocks inside a class initializer: still pins on JDK 25 (the JVM calls {@code <clinit>} from native code). */
    static void sleepInsideClassInitializer() {
        SlowInit.touch();
    }

    private static final class SlowInit {
        static {
            sleepQuietly(Duration.ofMillis(50));
        }

        static void touch() {
            // the first call runs the static initializer above
        }
    }
    // @end region=pinning

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prints the census for {@code 100,000} sleepers. */
    public static void main(String... args) throws InterruptedException {
        System.out.println(sleepAtOnce(100_000));
    }
}
