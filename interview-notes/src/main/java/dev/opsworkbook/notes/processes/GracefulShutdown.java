package dev.opsworkbook.notes.processes;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Q7: a worker that, on SIGTERM, stops taking jobs, lets the running ones finish within a deadline, and
 * says what it abandoned. Run: {@code java ... GracefulShutdown [jobMillis] [drainDeadlineMillis]}.
 */
public final class GracefulShutdown {

    private GracefulShutdown() {
    }

    public static void main(String... args) throws InterruptedException {
        long jobMillis = args.length > 0 ? Long.parseLong(args[0]) : 300;
        Duration drainDeadline = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 5_000);
        // @start region=hook
        AtomicBoolean accepting = new AtomicBoolean(true);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        Thread main = Thread.currentThread();

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutdown requested");
            accepting.set(false);                 // 1. stop intake (and fail readiness, in a service)
            main.interrupt();                     //    wake the intake loop if it waits
            workers.shutdown();                   // 2. no new jobs; queued and running ones continue
            try {
                if (!workers.awaitTermination(drainDeadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    int dropped = workers.shutdownNow().size();   // 3. deadline passed: interrupt the rest
                    log("drain deadline passed; abandoned queued=" + dropped);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log("drained, exiting");              // 4. flush logs/metrics here, then let the JVM exit
        }, "shutdown-hook"));
        // @end region=hook

        int nextJob = 0;
        log("ready pid=" + ProcessHandle.current().pid());
        while (accepting.get()) {
            int job = ++nextJob;
            try {
                workers.execute(() -> runJob(job, jobMillis));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                break;                            // the hook shut the pool down between check and submit
            }
            try {
                Thread.sleep(jobMillis / 2);      // intake rate: new work arrives every half job
            } catch (InterruptedException e) {
                break;
            }
        }
        // Returning from main does not end the JVM while the hook runs; the hook decides when we are done.
    }

    private static void runJob(int job, long millis) {
        log("started job " + job);
        try {
            Thread.sleep(millis);                 // stands in for real work (an upload, a batch of rows)
            log("finished job " + job);
        } catch (InterruptedException e) {
            log("interrupted job " + job);        // shutdownNow() after the deadline
        }
    }

    private static synchronized void log(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
