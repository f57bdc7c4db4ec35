package dev.opsworkbook.safeexec;

import java.util.concurrent.ExecutorService;

/** Planted on purpose (see the probe's POM): a submitted task whose Future nobody reads, so its failure is lost. */
final class PlantedFinding {
    private PlantedFinding() {
    }

    static void fireAndForget(ExecutorService pool, Runnable task) {
        pool.submit(task);
    }
}
