package dev.opsworkbook.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one file. The file is read once per check and those bytes are what gets parsed, so an edit that lands
 * between "has it changed?" and "load it" cannot mix two versions. Change detection compares bytes, not
 * modification times: mtime has a coarse granularity on some file systems and editors that keep it exist.
 */
final class FileConfigWatch<R extends Record> implements ConfigWatch<R> {

    private static final Logger LOG = LoggerFactory.getLogger(FileConfigWatch.class);

    private final ConfigLoader<R> loader;
    private final Path file;
    /** Swapped whole, under checkLock; read without it. */
    private volatile Loaded<R> current;
    private final List<ConfigListener<R>> changeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ConfigException>> errorListeners = new CopyOnWriteArrayList<>();
    private final Object checkLock = new Object();
    private final @Nullable ScheduledExecutorService poller;
    /** The bytes last looked at (valid or not), so an invalid edit is reported once, not at every poll. */
    private byte @Nullable [] lastBytes;

    FileConfigWatch(ConfigLoader<R> loader, Path file, @Nullable Duration pollInterval) {
        this.loader = loader;
        this.file = file;
        byte[] bytes = read();
        this.current = loader.load(bytes);
        this.lastBytes = bytes;
        if (pollInterval == null) {
            poller = null;
        } else {
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
            }
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "config-watch " + file.getFileName());
                t.setDaemon(true);
                return t;
            });
            long nanos = pollInterval.toNanos();
            // poll() catches what a check throws, so the future has nothing to report; close() stops it.
            var unused = poller.scheduleWithFixedDelay(this::poll, nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public Loaded<R> current() {
        return current;
    }

    @Override
    public boolean checkNow() {
        synchronized (checkLock) {
            byte[] bytes = read();
            if (Arrays.equals(bytes, lastBytes)) {
                return false;
            }
            lastBytes = bytes;
            Loaded<R> next;
            try {
                next = loader.load(bytes);
            } catch (ConfigException e) {
                // The message is built from ConfigProblems: secrets are already masked in it.
                LOG.warn("kept the current configuration: the new {} is invalid\n{}", file, e.getMessage());
                errorListeners.forEach(l -> l.accept(e));
                return false;
            }
            Loaded<R> previous = current;
            current = next;
            LOG.info("configuration reloaded from {}", file);
            changeListeners.forEach(l -> l.changed(previous, next));
            return true;
        }
    }

    @Override
    public void onChange(ConfigListener<R> listener) {
        changeListeners.add(listener);
    }

    @Override
    public void onError(Consumer<ConfigException> listener) {
        errorListeners.add(listener);
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
            try {
                if (!poller.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("the config watch thread of {} did not stop within 5 s", file);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void poll() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            // A listener failed: keep polling, the next edit deserves a chance.
            LOG.warn("config watch of {}: a listener failed", file, e);
        }
    }

    /** The file's bytes, or null if it cannot be read now (the loader then reports why). */
    private byte @Nullable [] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }
}
