package dev.opsworkbook.fileservice;

import java.io.IOException;

/**
 * A small file service on the JDK's HTTP server ({@code com.sun.net.httpserver.HttpServer}): authenticated
 * uploads under a root, and one-time, expiring download links. The README is the contract; in short:
 *
 * <ul>
 *   <li>{@code PUT /files/{path}} (bearer token): streams the body to a temp file in the target's directory,
 *       fsyncs it and moves it into place atomically; 201 (created) or 200 (replaced) with the SHA-256 as
 *       {@code Repr-Digest} and in a JSON body; 413 over {@link Settings#maxUploadBytes()}; 412 for
 *       {@code If-None-Match: *} when the file exists; nothing left behind when an upload fails.</li>
 *   <li>{@code POST /links} (bearer token) {@code {"path": ..., "ttl": "PT10M"}}: 201
 *       {@code {"url": "/d/<token>", "expires_at": ...}}; the token has 128 bits or more from
 *       {@code SecureRandom}, base64url; the store keeps only its SHA-256.</li>
 *   <li>{@code GET /d/{token}}: the file, once: exactly one complete 200 per link; 409 while another GET is
 *       sending it, 410 once used or expired, 404 if unknown. {@code HEAD} never spends a link, and a client that
 *       disconnects mid-download leaves it valid.</li>
 *   <li>Paths: decoded once, checked against the allow-list, resolved by path elements under the root;
 *       symbolic links out of the root refused; every refusal is a 4xx.</li>
 *   <li>One INFO event per request on the logger {@link Settings#ACCESS_LOG}, tokens redacted.</li>
 *   <li>Stretch: with {@link Settings#accelRedirect()} set, a GET spends the link and answers 200 with
 *       {@code X-Accel-Redirect: <prefix><percent-encoded path>} and no body; nginx in front sends the file.</li>
 * </ul>
 *
 * <p>Thread-safe; every request runs on its own virtual thread.
 */
public final class FileService implements AutoCloseable {

    private FileService() {
    }

    /**
     * Starts the service on a loopback port ({@link Settings#port()}, 0 = any free one) and returns once it
     * accepts connections.
     *
     * @throws IOException if the port cannot be bound or the root cannot be read
     */
    public static FileService start(Settings settings) throws IOException {
        throw new UnsupportedOperationException("TODO start the HTTP server on the loopback address");
    }

    /** The port the service listens on. */
    public int port() {
        throw new UnsupportedOperationException("TODO return the bound port");
    }

    /**
     * Everything the link store holds, one line per live link (its path, its expiry, and whatever the store keys
     * it by), as someone who could read the store would see it: no line may contain a usable token.
     */
    public String dumpLinkStore() {
        throw new UnsupportedOperationException("TODO describe every stored link, without its token");
    }

    /**
     * Stops accepting connections, ends the open exchanges and waits for their threads: when it returns, no
     * thread, socket or file of the service is left. Idempotent.
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO stop the server and its executor");
    }
}
