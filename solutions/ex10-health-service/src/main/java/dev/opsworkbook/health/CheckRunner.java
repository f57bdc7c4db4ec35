package dev.opsworkbook.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs every check in parallel, each under its own timeout, and caches the round of results.
 *
 * <p>A round is fresh for {@code cacheInterval} after it completed; until {@code maxStaleness} it is still served
 * while one refresh runs in the background; after that callers wait for a new round. Whatever the number of callers,
 * at most one round runs at a time (single flight): a hundred probes at once never become a hundred database pings.
 */
final class CheckRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CheckRunner.class);

    private record Round(Instant completedAt, List<CheckResult> results) {
    }

    private final List<HealthCheck> checks;
    private final Settings settings;
    private final HealthMetrics metrics;
    /** A virtual thread per round and per check: a hung check costs a parked virtual thread, nothing more. */
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Object lock = new Object();
    /** The last completed round, and the round in progress if any: both guarded by {@code lock}. */
    private @Nullable Round latest;
    private @Nullable CompletableFuture<Round> running;

    CheckRunner(List<HealthCheck> checks, Settings settings, HealthMetrics metrics) {
        this.checks = List.copyOf(checks);
        this.settings = settings;
        this.metrics = metrics;
    }

    /** The results to answer with now; waits only when there are none or they are older than maxStaleness. */
    List<CheckResult> current(String requestId) throws InterruptedException {
        CompletableFuture<Round> awaited;
        synchronized (lock) {
            if (latest != null) {
                Duration age = Duration.between(latest.completedAt(), settings.clock().instant());
                if (age.compareTo(settings.cacheInterval()) < 0) {
                    return latest.results();
                }
                if (age.compareTo(settings.maxStaleness()) < 0) {
                    // Stale but usable: served at once, refreshed behind the caller's back (who does not wait).
                    var unused = startRound(requestId);
                    return latest.results();
                }
            }
            awaited = startRound(requestId);
        }
        try {
            return awaited.get().results();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a round of health checks failed", e.getCause());
        }
    }

    /** Called with {@code lock} held. */
    private CompletableFuture<Round> startRound(String requestId) {
        CompletableFuture<Round> round = running;
        if (round != null) {
            return round;
        }
        CompletableFuture<Round> started = new CompletableFuture<>();
        running = started;
        threads.execute(() -> {
            try {
                List<CheckResult> results = runAll(requestId);
                Round done = new Round(settings.clock().instant(), results);
                synchronized (lock) {
                    latest = done;
                    running = null;
                }
                started.complete(done);
            } catch (Throwable t) {
                synchronized (lock) {
                    running = null;
                }
                started.completeExceptionally(t); // never leave a waiter waiting on a round that died
            }
        });
        return started;
    }

    private List<CheckResult> runAll(String requestId) {
        record Pending(HealthCheck check, long startNanos, Future<CheckResult> result) {
        }
        CheckContext context = new CheckContext(requestId);
        List<Pending> pending = new ArrayList<>(checks.size());
        for (HealthCheck check : checks) {
            pending.add(new Pending(check, System.nanoTime(), threads.submit(() -> runOne(check, context))));
        }
        List<CheckResult> results = new ArrayList<>(checks.size());
        for (Pending p : pending) {
            long timeoutNanos = p.check().timeout().toNanos();
            long left = p.startNanos() + timeoutNanos - System.nanoTime();
            CheckResult result;
            try {
                result = p.result().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                p.result().cancel(true); // interrupts it; a check that ignores interrupts only parks a virtual thread
                result = new CheckResult(p.check(), Status.DOWN, p.check().timeout().toMillis(),
                        "timed out after " + p.check().timeout().toMillis() + " ms");
                metrics.checkRan(result, timeoutNanos);
            } catch (InterruptedException e) {
                pending.forEach(q -> q.result().cancel(true));
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for health checks", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a health check escaped its own error handling", e.getCause());
            }
            results.add(result);
        }
        return List.copyOf(results);
    }

    /** One check on its own thread, under the request id of the run (MDC is per thread: it is set here, not inherited). */
    private CheckResult runOne(HealthCheck check, CheckContext context) {
        long started = System.nanoTime();
        try (MDC.MDCCloseable ignored = MDC.putCloseable(Settings.MDC_REQUEST_ID, context.requestId())) {
            Status status;
            String error = null;
            try {
                status = check.check(context);
                if (status == null) {
                    status = Status.DOWN;
                    error = "the check returned no status";
                } else if (status == Status.DOWN) {
                    error = "reported down";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the runner gave up on it: the result is discarded anyway
                status = Status.DOWN;
                error = "interrupted";
            } catch (Exception e) {
                status = Status.DOWN;
                error = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                log.atDebug().addKeyValue("dependency", check.name()).setCause(e).log("health check failed");
            }
            long nanos = System.nanoTime() - started;
            CheckResult result = new CheckResult(check, status, TimeUnit.NANOSECONDS.toMillis(nanos), error);
            if (!Thread.currentThread().isInterrupted()) {
                metrics.checkRan(result, nanos); // a timed-out check was already recorded by the runner
            }
            return result;
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
