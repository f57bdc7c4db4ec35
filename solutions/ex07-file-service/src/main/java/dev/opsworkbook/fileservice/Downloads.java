package dev.opsworkbook.fileservice;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET} and {@code HEAD /d/{token}}. A GET claims the link (READY to SENDING, one compare-and-set, so of
 * any number of concurrent GETs exactly one wins) and spends it only once the whole body has been written; if
 * the client goes away first the link is READY again. HEAD answers the same headers and never claims anything:
 * link previews, virus scanners and prefetchers send HEADs and must not burn a one-time link.
 */
final class Downloads {

    private static final int BUFFER = 64 * 1024;

    /** The README's table: anything else is application/octet-stream. */
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gz", "application/gzip"),
            Map.entry("zip", "application/zip"));

    private final Path realRoot;
    private final LinkStore links;
    private final @Nullable String accelRedirect;

    Downloads(Path realRoot, LinkStore links, @Nullable String accelRedirect) {
        this.realRoot = realRoot;
        this.links = links;
        this.accelRedirect = accelRedirect;
    }

    void serve(HttpExchange exchange, String token) throws IOException, SafePaths.Refused {
        // Only looked up, never used as a path: anything that is not a live token (empty, with a '/' or an
        // escape in it) hashes to a key the store does not have.
        LinkStore.Link link = links.find(token);
        if (link == null) {
            Http.error(exchange, 404, "no such link", false);
            return;
        }
        if (link.expired(links.now())) {
            Http.error(exchange, 410, "the link has expired", false);
            return;
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) {
            switch (Objects.requireNonNull(link.state.get())) {
                case SENDING -> Http.error(exchange, 409, "the link is being downloaded right now", false);
                case SPENT -> Http.error(exchange, 410, "the link has been used", false);
                case READY -> sendHeaders(exchange, file(link), true, link);
            }
            return;
        }
        if (accelRedirect != null) {
            handOff(exchange, link);
            return;
        }
        if (!link.state.compareAndSet(LinkStore.State.READY, LinkStore.State.SENDING)) {
            if (link.state.get() == LinkStore.State.SENDING) {
                Http.error(exchange, 409, "the link is being downloaded right now", false);
            } else {
                Http.error(exchange, 410, "the link has been used", false);
            }
            return;
        }
        boolean complete = false;
        try {
            Path file = file(link);
            long size = sendHeaders(exchange, file, false, link);
            long sent = 0;
            try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                 OutputStream out = exchange.getResponseBody()) {
                byte[] buffer = new byte[BUFFER];
                for (int n; sent < size && (n = in.read(buffer, 0, (int) Math.min(buffer.length, size - sent))) > 0; ) {
                    try {
                        out.write(buffer, 0, n);
                    } catch (IOException e) {
                        throw new ClientGone(e);
                    }
                    sent += n;
                }
            } // closing flushes the last bytes: only now has the client been sent everything
            complete = sent == size;
        } finally {
            link.state.set(complete ? LinkStore.State.SPENT : LinkStore.State.READY);
        }
    }

    /** The file behind a link, checked again now: it may have been swapped for a symbolic link since. */
    private Path file(LinkStore.Link link) throws IOException, SafePaths.Refused {
        return SafePaths.existingFile(realRoot, SafePaths.resolve(realRoot, link.path));
    }

    /**
     * X-Accel-Redirect mode: the proxy in front sends the bytes, and this answer is the last the service sees of
     * the download, so the hand-off spends the link (claim and spend are one step: READY to SPENT).
     */
    private void handOff(HttpExchange exchange, LinkStore.Link link) throws IOException, SafePaths.Refused {
        Path file = file(link);
        if (!link.state.compareAndSet(LinkStore.State.READY, LinkStore.State.SPENT)) {
            Http.error(exchange, 410, "the link has been used", false);
            return;
        }
        sendHeaders(exchange, file, true, link);
    }

    private long sendHeaders(HttpExchange exchange, Path file, boolean noBody, LinkStore.Link link) throws IOException {
        long size = Files.size(file);
        String name = file.getFileName().toString();
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType(name));
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Disposition", contentDisposition(name));
        headers.set("Cache-Control", "no-store");
        if (accelRedirect != null) {
            // nginx (1.5.9 and later) expects the URI escaped, and unescapes it once.
            headers.set("X-Accel-Redirect", accelRedirect + encodePath(link.path));
        }
        if (noBody) {
            if (exchange.getRequestMethod().equals("HEAD")) {
                headers.set("Content-Length", Long.toString(size)); // what a GET would send
            }
            exchange.sendResponseHeaders(200, -1); // -1: no body, and the server completes the exchange at once
        } else {
            exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
        }
        return size;
    }

    /** Percent-encodes a relative path as UTF-8, keeping the slashes and RFC 3986's unreserved characters. */
    static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '/' || (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0))) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** RFC 6266: an ASCII fallback for old clients, and the exact name as RFC 8187 {@code filename*}. */
    static String contentDisposition(String name) {
        StringBuilder fallback = new StringBuilder();
        StringBuilder encoded = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            fallback.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
        }
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format("%02X", c));
            }
        }
        return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
    }
}
