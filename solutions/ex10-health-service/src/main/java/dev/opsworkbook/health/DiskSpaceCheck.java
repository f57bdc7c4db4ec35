package dev.opsworkbook.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Free disk space where {@code path} lives: down below {@code minFreeBytes}, degraded below {@code warnFreeBytes},
 * up otherwise. "Free" is the space this process may use ({@code FileStore.getUsableSpace()}), not the blocks
 * reserved for root.
 */
public final class DiskSpaceCheck implements HealthCheck {

    private final String name;
    private final boolean critical;
    private final Duration timeout;
    private final Path path;
    private final long minFreeBytes;
    private final long warnFreeBytes;

    public DiskSpaceCheck(String name, boolean critical, Duration timeout, Path path, long minFreeBytes,
                          long warnFreeBytes) {
        if (minFreeBytes < 0 || warnFreeBytes < minFreeBytes) {
            throw new IllegalArgumentException("need 0 <= minFreeBytes <= warnFreeBytes, got " + minFreeBytes + " and "
                    + warnFreeBytes);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.critical = critical;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.path = Objects.requireNonNull(path, "path");
        this.minFreeBytes = minFreeBytes;
        this.warnFreeBytes = warnFreeBytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean critical() {
        return critical;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Status check(CheckContext context) throws IOException {
        long free = Files.getFileStore(path).getUsableSpace();
        if (free < minFreeBytes) {
            throw new IOException("only " + free + " bytes free under " + path + ", below the minimum of "
                    + minFreeBytes);
        }
        return free < warnFreeBytes ? Status.DEGRADED : Status.UP;
    }
}
