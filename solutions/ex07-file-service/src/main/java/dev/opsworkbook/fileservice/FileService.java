package dev.opsworkbook.fileservice;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small file service on the JDK's HTTP server: authenticated uploads under a root, and one-time, expiring
 * download links. See the exercise README for the contract.
 *
 * <pre>{@code
 * try (FileService service = FileService.start(Settings.of(root, secret))) {
 *     URI base = URI.create("http://127.0.0.1:" + service.port());
 *     ...
 * }
 * }</pre>
 */
public final class FileService implements AutoCloseable {

    private static final Logger ACCESS = LoggerFactory.getLogger(Settings.ACCESS_LOG);
    private static final Logger LOG = LoggerFactory.getLogger(FileService.class);

    private static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
    private static final Duration MAX_TTL = Duration.ofDays(1);
    private static final int MAX_LINK_REQUEST_BYTES = 16 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final LinkStore links;
    private final Path root;
    private final byte[] secret;
    private final Uploads uploads;
    private final Downloads downloads;

    private FileService(Settings settings, Path root) throws IOException {
        this.root = root;
        this.secret = settings.bearerToken().getBytes(StandardCharsets.UTF_8);
        this.links = new LinkStore(settings.clock());
        this.uploads = new Uploads(root, settings.maxUploadBytes());
        this.downloads = new Downloads(root, links, settings.accelRedirect());
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
        // One virtual thread per exchange: a slow client ties up a cheap thread, never the dispatcher.
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        route("/", (exchange, path) -> Http.error(exchange, 404, "not found", true));
        route("/files/", this::files);
        route("/links", this::createLink);
        route("/d/", this::download);
    }

    /**
     * Starts the service on a loopback port ({@link Settings#port()}, 0 = any free one) and returns once it
     * accepts connections.
     */
    public static FileService start(Settings settings) throws IOException {
        FileService service = new FileService(settings, settings.root().toRealPath());
        service.server.start();
        return service;
    }

    /** The port the service listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Everything the link store holds, one line per link, as someone who could read the store would see it:
     * no line contains a usable token.
     */
    public String dumpLinkStore() {
        return links.dump();
    }

    /** Stops accepting, ends the open exchanges and waits for their threads; idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    /** A handler given the raw (still percent-encoded) path after its context. */
    private interface Route {
        void handle(HttpExchange exchange, String rest) throws IOException, SafePaths.Refused;
    }

    private void route(String context, Route route) {
        HttpHandler handler = exchange -> {
            long started = System.nanoTime();
            // Per exchange, in the handler: HttpExchange's attributes belong to its HttpContext, so every exchange
            // on a context shares them (JDK 25), and a count kept there would mix concurrent requests.
            BodyCount body = new BodyCount(exchange.getResponseBody());
            exchange.setStreams(null, body);
            try {
                String raw = exchange.getRequestURI().getRawPath();
                // The server matched the *decoded* path: "/files%2f.." lands here, so check the raw one too.
                if (context.endsWith("/") ? raw == null || !raw.startsWith(context) : !context.equals(raw)) {
                    Http.error(exchange, 404, "not found", true);
                } else {
                    route.handle(exchange, raw.substring(Math.min(raw.length(), context.length())));
                }
            } catch (SafePaths.Refused e) {
                Http.error(exchange, 400, "path refused: " + e.getMessage(), true);
            } catch (NoSuchFileException e) {
                Http.error(exchange, 404, "no such file", true);
            } catch (ClientGone e) {
                LOG.debug("{} {}: {}", exchange.getRequestMethod(), redact(exchange), e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.warn("{} {} failed", exchange.getRequestMethod(), redact(exchange), e);
                if (exchange.getResponseCode() < 0) {
                    Http.error(exchange, 500, "internal error", true);
                }
            } finally {
                exchange.close();
                logAccess(exchange, started, body.bytes);
            }
        };
        server.createContext(context, handler);
    }

    private void files(HttpExchange exchange, String rest) throws IOException, SafePaths.Refused {
        if (!exchange.getRequestMethod().equals("PUT")) {
            Http.methodNotAllowed(exchange, "PUT");
        } else if (Http.requireAuth(exchange, secret, true)) {
            uploads.put(exchange, SafePaths.decode(rest));
        }
    }

    private void createLink(HttpExchange exchange, String rest) throws IOException, SafePaths.Refused {
        if (!exchange.getRequestMethod().equals("POST")) {
            Http.methodNotAllowed(exchange, "POST");
            return;
        }
        if (!Http.requireAuth(exchange, secret, true)) {
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_LINK_REQUEST_BYTES + 1);
        }
        if (body.length > MAX_LINK_REQUEST_BYTES) {
            Http.error(exchange, 413, "the request is larger than " + MAX_LINK_REQUEST_BYTES + " bytes", true);
            return;
        }
        Map<String, String> request;
        Duration ttl;
        try {
            request = FlatJson.parseObject(new String(body, StandardCharsets.UTF_8));
            String ttlText = request.get("ttl");
            ttl = ttlText == null ? DEFAULT_TTL : Duration.parse(ttlText);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            Http.error(exchange, 400, "expected {\"path\": \"...\", \"ttl\": \"PT10M\"}: " + e.getMessage(), false);
            return;
        }
        String path = request.get("path");
        if (path == null) {
            Http.error(exchange, 400, "\"path\" is missing", false);
            return;
        }
        if (!ttl.isPositive() || ttl.compareTo(MAX_TTL) > 0) {
            Http.error(exchange, 400, "\"ttl\" must be more than 0 and at most " + MAX_TTL, false);
            return;
        }
        String relative = SafePaths.decode(path);
        SafePaths.existingFile(root, SafePaths.resolve(root, relative));
        LinkStore.Created created = links.create(relative, ttl);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("url", "/d/" + created.token());
        answer.put("expires_at", created.expiresAt().toString());
        Http.json(exchange, 201, answer);
    }

    private void download(HttpExchange exchange, String token) throws IOException, SafePaths.Refused {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            Http.methodNotAllowed(exchange, "GET, HEAD");
        } else {
            downloads.serve(exchange, token);
        }
    }

    private static void logAccess(HttpExchange exchange, long started, long bytes) {
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        // A response code of -1 means none was sent: the client went away first (nginx logs these as 499).
        int status = exchange.getResponseCode() < 0 ? 499 : exchange.getResponseCode();
        String path = redact(exchange);
        ACCESS.atInfo()
                .setMessage("{} {} {}")
                .addArgument(exchange.getRequestMethod())
                .addArgument(path)
                .addArgument(status)
                .addKeyValue("method", exchange.getRequestMethod())
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("bytes", bytes)
                .addKeyValue("duration_ms", durationMs)
                .log();
    }

    /** The response body as the handlers write it, counting the bytes that reached the connection. */
    private static final class BodyCount extends FilterOutputStream {
        long bytes;

        BodyCount(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len); // FilterOutputStream's own would write one byte at a time
            bytes += len;
        }
    }

    /** The raw path for logs, with a download token replaced: a logged token is a usable link. */
    private static String redact(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawPath();
        if (raw == null) {
            return "";
        }
        return raw.startsWith("/d/") ? "/d/***" : raw;
    }
}
