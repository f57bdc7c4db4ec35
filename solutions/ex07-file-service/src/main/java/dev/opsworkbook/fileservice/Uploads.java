package dev.opsworkbook.fileservice;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code PUT /files/{path}}: the body is streamed into a temp file beside the target (same directory, so the
 * final rename is atomic), hashed on the way, fsynced, then moved into place. Nothing is ever visible under the
 * final name until it is complete, and nothing is left behind when the upload fails.
 */
final class Uploads {

    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final long maxBytes;

    Uploads(Path root, long maxBytes) {
        this.root = root;
        this.maxBytes = maxBytes;
    }

    void put(HttpExchange exchange, String relative) throws IOException, SafePaths.Refused {
        Path target = SafePaths.resolve(root, relative);
        long declared = declaredLength(exchange);
        if (declared > maxBytes) {
            // Before reading a byte: the declared length alone is enough to refuse.
            Http.error(exchange, 413, "the upload is larger than " + maxBytes + " bytes", true);
            return;
        }
        boolean onlyIfAbsent = "*".equals(exchange.getRequestHeaders().getFirst("If-None-Match"));
        if (onlyIfAbsent && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Http.error(exchange, 412, "the file exists and If-None-Match: * was given", true);
            return;
        }
        SafePaths.createParents(root, target);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Http.error(exchange, 409, "a directory has that name", true);
            return;
        }
        Path dir = Objects.requireNonNull(target.getParent(), "a path under the root has a parent");
        Path temp = Files.createTempFile(dir, ".upload-", ".tmp");
        try {
            MessageDigest sha256 = sha256();
            long size = receive(exchange.getRequestBody(), temp, sha256);
            if (size < 0) {
                Http.error(exchange, 413, "the upload is larger than " + maxBytes + " bytes", true);
                return;
            }
            boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
            if (onlyIfAbsent) {
                try {
                    // link(2) fails if the name exists: the check and the commit are one step, so two
                    // concurrent "create only" uploads cannot both win (rename(2) would replace).
                    Files.createLink(target, temp);
                } catch (FileAlreadyExistsException e) {
                    Http.error(exchange, 412, "the file exists and If-None-Match: * was given", true);
                    return;
                }
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
            byte[] digest = sha256.digest();
            exchange.getResponseHeaders().set("Repr-Digest",
                    "sha-256=:" + Base64.getEncoder().encodeToString(digest) + ":");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("path", relative);
            body.put("size", size);
            body.put("sha256", HexFormat.of().formatHex(digest));
            Http.json(exchange, existed ? 200 : 201, body);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Copies the body into {@code temp} and fsyncs it; the size, or -1 as soon as it exceeds the cap. */
    private long receive(InputStream body, Path temp, MessageDigest sha256) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        // The body stream is left open: closing it drains the rest of the request, and the client is owed its 413
        // before that. The exchange closes it after the answer.
        InputStream in = body;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw new ClientGone(e);
                }
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    return -1; // counted, not trusted: a chunked body declares no length
                }
                sha256.update(buffer, 0, n);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
            out.force(true); // the data is on disk before the name points at it
        }
        return total;
    }

    private static long declaredLength(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        // The JDK server has already answered 400 to a malformed, negative or repeated length, and to one beside
        // Transfer-Encoding: what is left parses.
        return value == null ? -1 : Long.parseLong(value);
    }

    /** Makes the rename itself durable: a crash right after the 201 must not lose the new name. */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
