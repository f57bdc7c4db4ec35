package dev.opsworkbook.fileservice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link FileService} runs. Given: do not change this type.
 *
 * @param root           the directory the service stores files in and serves files from; it must exist. Every path a
 *                       client names is resolved under it, and nothing outside it is ever read or written.
 * @param port           the loopback port to listen on; {@code 0} picks a free one ({@code FileService.port()} says
 *                       which)
 * @param bearerToken    the secret that {@code PUT /files/...} and {@code POST /links} require as
 *                       {@code Authorization: Bearer <token>}; never logged
 * @param maxUploadBytes the largest upload body accepted, in bytes; a bigger one is answered {@code 413}
 * @param clock          the clock link expiry is computed and checked with (tests inject one they can move)
 * @param accelRedirect  {@code null} (the default): downloads are served by the service itself. Otherwise the stretch
 *                       task's X-Accel-Redirect mode: the internal location prefix (e.g. {@code /internal/}) under which
 *                       a reverse proxy (nginx) in front serves the root; a download is answered with
 *                       {@code X-Accel-Redirect: <prefix><path>} and no body, and the proxy sends the bytes
 */
public record Settings(Path root, int port, String bearerToken, long maxUploadBytes, Clock clock,
                       @Nullable String accelRedirect) {

    /** The SLF4J logger the access log is written to: one INFO event per request (see the README). */
    public static final String ACCESS_LOG = "dev.opsworkbook.fileservice.access";

    /** The default upload cap: 64 MiB. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 64L << 20;

    public Settings {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(clock, "clock");
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("root is not a directory: " + root);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (bearerToken.isBlank()) {
            throw new IllegalArgumentException("bearerToken is blank");
        }
        if (maxUploadBytes < 0) {
            throw new IllegalArgumentException("maxUploadBytes must not be negative, got " + maxUploadBytes);
        }
        if (accelRedirect != null && !(accelRedirect.startsWith("/") && accelRedirect.endsWith("/"))) {
            throw new IllegalArgumentException("accelRedirect must start and end with '/', got " + accelRedirect);
        }
    }

    /** Without X-Accel-Redirect: the service sends the bytes itself. */
    public Settings(Path root, int port, String bearerToken, long maxUploadBytes, Clock clock) {
        this(root, port, bearerToken, maxUploadBytes, clock, null);
    }

    /** Root and token; any free port, a 64 MiB upload cap, the system clock (UTC). */
    public static Settings of(Path root, String bearerToken) {
        return new Settings(root, 0, bearerToken, DEFAULT_MAX_UPLOAD_BYTES, Clock.systemUTC());
    }

    /** A copy with another port. */
    public Settings withPort(int newPort) {
        return new Settings(root, newPort, bearerToken, maxUploadBytes, clock, accelRedirect);
    }

    /** A copy with another upload cap. */
    public Settings withMaxUploadBytes(long newMaxUploadBytes) {
        return new Settings(root, port, bearerToken, newMaxUploadBytes, clock, accelRedirect);
    }

    /** A copy with another clock. */
    public Settings withClock(Clock newClock) {
        return new Settings(root, port, bearerToken, maxUploadBytes, newClock, accelRedirect);
    }

    /** A copy in X-Accel-Redirect mode with this internal location prefix (stretch task), or without it for null. */
    public Settings withAccelRedirect(@Nullable String prefix) {
        return new Settings(root, port, bearerToken, maxUploadBytes, clock, prefix);
    }

    /** Never shows the bearer token. */
    @Override
    public String toString() {
        return "Settings[root=" + root + ", port=" + port + ", bearerToken=***, maxUploadBytes=" + maxUploadBytes
                + ", clock=" + clock + ", accelRedirect=" + accelRedirect + "]";
    }
}
