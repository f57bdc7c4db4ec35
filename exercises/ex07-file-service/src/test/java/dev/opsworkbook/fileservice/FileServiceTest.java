package dev.opsworkbook.fileservice;

import static dev.opsworkbook.testing.Stubs.rethrowIfChildHitStub;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import dev.opsworkbook.testing.ChildJvm;
import dev.opsworkbook.testing.HttpWarmUp;
import dev.opsworkbook.testing.LeakCheck;
import dev.opsworkbook.testing.LogCapture;
import dev.opsworkbook.testing.SecretCanary;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grading suite of ex07 file-service. Every test starts the service on a loopback port with a root inside a
 * temporary directory, and talks to it as a client would: the JDK HttpClient, or a hand-written HTTP/1.1
 * connection ({@link RawHttp}) for what HttpClient will not send. Beside the root lie a canary file and a
 * {@code data-evil} directory (a sibling whose name starts with the root's): the service must never read or
 * write them.
 */
@DisplayName("ex07 file-service: uploads under a root and one-time download links")
class FileServiceTest {

    static final String SECRET = "bearer-secret-7f3a91c2d4";
    static final String CANARY = "CANARY-0b9e2f-never-serve-this";
    static final int MIB = 1024 * 1024;
    /** Bigger than every loopback socket buffer here, so that a client that does not read holds the transfer. */
    static final int HELD_FILE_BYTES = 64 * MIB;
    /** How long any one answer may take: generous on a busy machine, and shorter than a test's own timeout. */
    static final Duration ANSWER = Duration.ofSeconds(8);

    @RegisterExtension
    final LeakCheck leaks = LeakCheck.ignoringThreads();

    @TempDir
    Path tmp;
    Path root;
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    @Nullable FileService service;
    @Nullable HttpClient client;
    final List<AutoCloseable> toClose = new ArrayList<>();

    /**
     * Loads the JDK's HTTP server and client once: on a busy machine their first use takes seconds, which must
     * not count against the timeout of whichever test runs first.
     */
    @BeforeAll
    @Timeout(60)
    static void warmUpHttp() throws Exception {
        HttpWarmUp.jdkServerAndClient();
    }

    @BeforeEach
    void plantCanaries() throws IOException {
        root = Files.createDirectory(tmp.resolve("data"));
        Files.writeString(tmp.resolve("canary.txt"), CANARY);
        Files.createDirectory(tmp.resolve("data-evil"));
        Files.writeString(tmp.resolve("data-evil").resolve("secret.txt"), CANARY);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (IOException e) {
                // a raw connection the test already aborted
            }
        }
        if (service != null) {
            service.close();
        }
        if (client != null) {
            client.close();
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: streamed, atomic, capped uploads")
    class Uploads {

        @Test
        @Points(3)
        @Hint("PUT /files/{path}: 201 when the file is new, 200 when it replaced one; the SHA-256 of the body as"
                + " Repr-Digest: sha-256=:<base64>: and in the JSON body (Content-Type: application/json) as \"sha256\""
                + " (lowercase hex), with \"size\". An empty body is an upload of 0 bytes.")
        @DisplayName("a PUT stores the exact bytes: 201 when new, 200 when replaced, with the SHA-256 as Repr-Digest and in JSON")
        void putStoresTheBytes() throws Exception {
            start(Settings.of(root, SECRET));
            byte[] first = "first version\n".getBytes(UTF_8);
            byte[] second = bytes(300_000, 7);

            HttpResponse<String> created = put("reports/q3.csv", first);
            assertThat(created.statusCode()).as("status of the first PUT of reports/q3.csv (body: %s)", created.body())
                    .isEqualTo(201);
            assertThat(root.resolve("reports/q3.csv")).as("the uploaded file under the root").hasBinaryContent(first);
            HttpResponse<String> replaced = put("reports/q3.csv", second);
            assertThat(replaced.statusCode()).as("status of a second PUT that replaces the file").isEqualTo(200);
            assertThat(root.resolve("reports/q3.csv")).as("the replaced file").hasBinaryContent(second);

            byte[] digest = MessageDigest.getInstance("SHA-256").digest(second);
            assertThat(replaced.headers().firstValue("Repr-Digest"))
                    .as("the Repr-Digest header (RFC 9530) of the upload's answer")
                    .contains("sha-256=:" + Base64.getEncoder().encodeToString(digest) + ":");
            Map<String, String> json = json(replaced);
            assertThat(json).as("the JSON body of the upload's answer")
                    .containsEntry("sha256", HexFormat.of().formatHex(digest))
                    .containsEntry("size", Integer.toString(second.length))
                    .containsEntry("path", "reports/q3.csv");
            assertThat(replaced.headers().firstValue("Content-Type")).as("Content-Type of the upload's JSON answer")
                    .hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("application/json"));
            HttpResponse<String> empty = put("empty.txt", new byte[0]);
            assertThat(empty.statusCode()).as("status of an empty upload (0 bytes is within any cap; body: %s)", empty.body())
                    .isEqualTo(201);
            assertThat(json(empty)).as("the JSON body of an empty upload's answer").containsEntry("size", "0")
                    .containsEntry("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest()));
            assertThat(root.resolve("empty.txt")).as("the empty uploaded file").isEmptyFile();
            assertThat(filesUnder(root)).as("every file under the root (no temp file may be left)")
                    .containsExactly("empty.txt", "reports/q3.csv");
        }

        @Test
        @Points(2)
        @Hint("Create the missing parent directories under the root. Names are Unicode: letters and digits of any"
                + " script, spaces and . _ - ~ + @ = , ( ) are fine inside a name (see the README's allow-list), up to"
                + " 32 segments of up to 255 bytes each. A PUT to a name that is a directory is a 409.")
        @DisplayName("missing directories are created, and names with spaces, inner dots and non-ASCII letters are accepted")
        void nestedAndUnicodeNames() throws Exception {
            start(Settings.of(root, SECRET));
            List<String> names = List.of("a/b/c/deep.txt", "résumé 2024.pdf", "报告/第一季度.txt", "x-y_z~1+2@3=4,(5).tar.gz",
                    "v1.2/notes..old.txt", "Ελληνικά/καλημέρα.md",
                    "é".repeat(127) + "x",                       // a segment of 255 bytes in UTF-8: the most allowed
                    "d/".repeat(31) + "32nd.txt");               // 32 segments: the most allowed
            for (String name : names) {
                HttpResponse<String> response = put(encodePath(name), name.getBytes(UTF_8));
                assertThat(response.statusCode()).as("status of PUT /files/%s (body: %s)", name, response.body())
                        .isEqualTo(201);
                assertThat(root.resolve(name)).as("the uploaded file %s", name).hasContent(name);
            }
            HttpResponse<String> onDirectory = put("a/b", "x".getBytes(UTF_8));
            assertThat(onDirectory.statusCode()).as("status of PUT /files/a/b, where a/b is a directory").isEqualTo(409);
            assertThat(root.resolve("a/b/c/deep.txt")).as("a file inside the directory a/b after that PUT").hasContent(
                    "a/b/c/deep.txt");
        }

        @Test
        @Points(3)
        @Hint("No Authorization: Bearer <token>, or a different token, is a 401 with a WWW-Authenticate: Bearer header,"
                + " and nothing is written. Compare the whole token (MessageDigest.isEqual), not a prefix.")
        @DisplayName("an upload without the right bearer token is a 401 with WWW-Authenticate: Bearer, and writes nothing")
        void uploadNeedsTheToken() throws Exception {
            start(Settings.of(root, SECRET));
            Map<String, @Nullable String> authorizations = new LinkedHashMap<>();
            authorizations.put("no Authorization header", null);
            authorizations.put("a wrong token", "Bearer wrong-token");
            authorizations.put("the token plus one character", "Bearer " + SECRET + "x");
            authorizations.put("a prefix of the token", "Bearer " + SECRET.substring(0, 10));
            authorizations.put("an empty token", "Bearer ");
            authorizations.put("the token as Basic credentials", "Basic " + Base64.getEncoder()
                    .encodeToString(("user:" + SECRET).getBytes(UTF_8)));
            for (var e : authorizations.entrySet()) {
                HttpRequest.Builder request = request("/files/stolen/x.txt").PUT(BodyPublishers.ofString("x"));
                if (e.getValue() != null) {
                    request.header("Authorization", e.getValue());
                }
                HttpResponse<String> response = send(request);
                assertThat(response.statusCode()).as("status of an upload with %s", e.getKey()).isEqualTo(401);
                assertThat(response.headers().firstValue("WWW-Authenticate")).as("WWW-Authenticate of that 401")
                        .hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("Bearer"));
                assertThat(response.headers().firstValue("Content-Type")).as("Content-Type of that 401 (an error's body is"
                        + " text/plain)").hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("text/plain"));
            }
            HttpResponse<String> get = send(request("/files/stolen.txt").header("Authorization", "Bearer " + SECRET).GET());
            assertThat(get.statusCode()).as("GET /files/stolen.txt (uploads only: PUT)").isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).as("Allow header of that 405").hasValueSatisfying(
                    v -> assertThat(v).containsIgnoringCase("PUT"));
            try (Stream<Path> entries = Files.list(root)) {
                assertThat(entries.map(p -> root.relativize(p).toString()).toList())
                        .as("files and directories under the root after refused uploads of stolen/x.txt (check the token"
                                + " before anything else, creating directories included)").isEmpty();
            }
        }

        @Test
        @Points(4)
        @Hint("Look at Content-Length before reading the body: when it is over maxUploadBytes, answer 413 at once"
                + " (with Connection: close) without waiting for the body.")
        @DisplayName("a declared Content-Length over the cap is a 413 at once, before the body is sent, and leaves nothing")
        void declaredLengthOverTheCap() throws Exception {
            start(Settings.of(root, SECRET).withMaxUploadBytes(1000));
            try (RawHttp http = RawHttp.connect(service().port(), ANSWER)) {
                http.send("PUT /files/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                        + "\r\nContent-Length: 1001\r\n\r\n");
                int status;
                try {
                    status = http.readStatus();
                } catch (IOException e) {
                    throw new AssertionError("a PUT declaring Content-Length: 1001 (cap 1000) got no answer while its body"
                            + " was still unsent (" + e.getMessage() + "): refuse it from the header alone", e);
                }
                assertThat(status).as("status of a PUT declaring 1001 bytes with a 1000-byte cap").isEqualTo(413);
                assertThat(http.readHeaders().get("connection")).as("Connection header of that 413 (the body is left unread,"
                        + " so the connection cannot carry another request)").isEqualToIgnoringCase("close");
            }
            awaitNothingUnder(root, "after a 413 for a declared length over the cap");
        }

        @Test
        @Points(4)
        @Hint("A chunked body declares no length: count the bytes as they arrive and stop at the first byte over the"
                + " cap with a 413 (Connection: close), deleting the temp file.")
        @DisplayName("a chunked body is counted: a 413 as soon as it passes the cap, before it ends, and nothing is left")
        void chunkedBodyOverTheCap() throws Exception {
            start(Settings.of(root, SECRET).withMaxUploadBytes(64 * 1024));
            try (RawHttp http = RawHttp.connect(service().port(), ANSWER)) {
                http.send("PUT /files/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n");
                for (int i = 0; i < 9; i++) { // 72 KiB, and no last chunk: the body has not ended
                    http.send("2000\r\n").sendRepeated((byte) 'c', 8192).send("\r\n");
                }
                int status;
                try {
                    status = http.readStatus();
                } catch (IOException e) {
                    throw new AssertionError("72 KiB of a chunked body (cap 64 KiB) that has not ended got no answer ("
                            + e.getMessage() + "): answer 413 as soon as the count passes the cap", e);
                }
                assertThat(status).as("status of a chunked upload past the cap").isEqualTo(413);
            }
            awaitNothingUnder(root, "after a 413 for a chunked body over the cap");
        }

        @Test
        @Points(2)
        @Hint("The cap is the largest size accepted: exactly maxUploadBytes is fine, one byte more is a 413,"
                + " declared or counted.")
        @DisplayName("exactly max-upload-bytes is accepted, declared or chunked; one byte more in a chunked body is a 413")
        void capBoundary() throws Exception {
            start(Settings.of(root, SECRET).withMaxUploadBytes(1000));
            byte[] exact = bytes(1000, 3);
            assertThat(put("exact.bin", exact).statusCode()).as("status of a 1000-byte upload with Content-Length, cap"
                    + " 1000").isEqualTo(201);
            HttpResponse<String> chunked = send(request("/files/exact-chunked.bin").header("Authorization", "Bearer " + SECRET)
                    .PUT(BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(exact))));
            assertThat(chunked.statusCode()).as("status of a 1000-byte chunked upload, cap 1000").isEqualTo(201);
            assertThat(root.resolve("exact-chunked.bin")).hasBinaryContent(exact);
            try (RawHttp http = RawHttp.connect(service().port(), ANSWER)) {
                http.send("PUT /files/one-over.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n").sendRepeated((byte) 'x', 1001).send("\r\n0\r\n\r\n");
                assertThat(http.readStatus()).as("status of a 1001-byte chunked upload, cap 1000").isEqualTo(413);
            }
            awaitFilesUnder(root, Set.of("exact.bin", "exact-chunked.bin"), "after the 1001-byte upload was refused");
        }

        @Test
        @Points(4)
        @Hint("Stream the body into a temp file in the target's directory as it arrives (never into memory, never"
                + " under the final name), fsync it, then Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING).")
        @DisplayName("while an upload is under way its bytes go to a temp file under the root, and the old file stays intact")
        void partialUploadIsNotVisible() throws Exception {
            start(Settings.of(root, SECRET));
            Files.writeString(root.resolve("report.csv"), "old\n");
            try (RawHttp http = RawHttp.connect(service().port(), ANSWER)) {
                http.send("PUT /files/report.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                        + "\r\nContent-Length: " + 2 * MIB + "\r\n\r\n").sendRepeated((byte) 'n', MIB);
                await("a temp file under the root, or a change to report.csv, after 1 MiB of a 2 MiB upload")
                        .atMost(ANSWER).pollInterval(Duration.ofMillis(20))
                        .until(() -> filesUnder(root).size() > 1
                                || !Files.readString(root.resolve("report.csv")).equals("old\n"));
                assertThat(root.resolve("report.csv"))
                        .as("report.csv while its replacement is half uploaded (must keep the old content until the new"
                                + " one is complete)")
                        .hasContent("old\n");
                http.sendRepeated((byte) 'n', MIB);
                assertThat(http.readStatus()).as("status of the completed replacing upload").isEqualTo(200);
            }
            assertThat(Files.size(root.resolve("report.csv"))).as("size of report.csv after the upload").isEqualTo(2 * MIB);
            awaitFilesUnder(root, Set.of("report.csv"), "after the upload completed");
        }

        @Test
        @Points(3)
        @Hint("When reading the body fails (the client went away), delete the temp file: try/finally around the"
                + " whole upload, and Files.deleteIfExists(temp) in the finally; and close the exchange, so that the"
                + " connection's descriptor is freed.")
        @DisplayName("a client that disconnects mid-upload leaves neither the file nor a temp file behind")
        void abortedUploadLeavesNothing() throws Exception {
            start(Settings.of(root, SECRET));
            var before = leaks.snapshot();
            RawHttp http = RawHttp.connect(service().port(), ANSWER);
            toClose.add(http);
            http.send("PUT /files/aborted.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                    + "\r\nContent-Length: " + 4 * MIB + "\r\n\r\n").sendRepeated((byte) 'a', MIB);
            await("a temp file under the root after 1 MiB of a 4 MiB upload").atMost(ANSWER)
                    .pollInterval(Duration.ofMillis(20)).until(() -> !filesUnder(root).isEmpty());
            http.abort();
            awaitNothingUnder(root, "after the client disconnected mid-upload");
            await("the service to close its side of the aborted upload's connection (close the exchange in a finally: an"
                    + " open descriptor per aborted upload runs a long-lived service out of them)").atMost(ANSWER)
                    .pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> leaks.leaksSince(before), List::isEmpty);
        }

        @Test
        @Points(2)
        @Hint("If-None-Match: * means \"only if there is no such file\": 412 when it exists (and the file stays as it"
                + " was), a normal 201 when it does not.")
        @DisplayName("If-None-Match: * creates a new file, and is a 412 that changes nothing when the file exists")
        void ifNoneMatchStar() throws Exception {
            start(Settings.of(root, SECRET));
            HttpResponse<String> created = send(request("/files/once.txt").header("Authorization", "Bearer " + SECRET)
                    .header("If-None-Match", "*").PUT(BodyPublishers.ofString("first")));
            assertThat(created.statusCode()).as("status of If-None-Match: * for a new file").isEqualTo(201);
            HttpResponse<String> refused = send(request("/files/once.txt").header("Authorization", "Bearer " + SECRET)
                    .header("If-None-Match", "*").PUT(BodyPublishers.ofString("second")));
            assertThat(refused.statusCode()).as("status of If-None-Match: * when the file exists").isEqualTo(412);
            assertThat(root.resolve("once.txt")).as("once.txt after the refused upload").hasContent("first");
            awaitFilesUnder(root, Set.of("once.txt"), "after the 412");
        }

        @Test
        @Points(2)
        @Hint("Checking for the file first and moving later lets two create-only uploads both win. Make the commit"
                + " itself fail when the name exists: Files.createLink(target, temp) (link(2)) does.")
        @DisplayName("of two concurrent If-None-Match: * uploads of one new name, exactly one gets 201 and the other 412")
        void concurrentCreateOnlyUploads() throws Exception {
            start(Settings.of(root, SECRET));
            RawHttp a = RawHttp.connect(service().port(), ANSWER);
            RawHttp b = RawHttp.connect(service().port(), ANSWER);
            toClose.add(a);
            toClose.add(b);
            String head = "PUT /files/race.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                    + "\r\nIf-None-Match: *\r\nContent-Length: " + 2 * MIB + "\r\n\r\n";
            a.send(head).sendRepeated((byte) 'a', MIB);
            b.send(head).sendRepeated((byte) 'b', MIB);
            await("both uploads under way (two temp files under the root)").atMost(ANSWER)
                    .pollInterval(Duration.ofMillis(20)).until(() -> filesUnder(root).size() >= 2);
            a.sendRepeated((byte) 'a', MIB);
            b.sendRepeated((byte) 'b', MIB);
            List<Integer> statuses = new ArrayList<>(List.of(a.readStatus(), b.readStatus()));
            statuses.sort(null);
            assertThat(statuses).as("statuses of the two create-only uploads").containsExactly(201, 412);
            byte[] stored = Files.readAllBytes(root.resolve("race.bin"));
            assertThat(stored.length).as("size of race.bin").isEqualTo(2 * MIB);
            assertThat(stored[0]).as("first byte of race.bin").isEqualTo(stored[stored.length - 1]);
            awaitFilesUnder(root, Set.of("race.bin"), "after both uploads were answered");
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:2")
    @DisplayName("Task 2: one-time links, stored as hashes, with a TTL")
    class Links {

        @Test
        @Points(3)
        @Hint("POST /links {\"path\": ..., \"ttl\": \"PT10M\"} answers 201 {\"url\": \"/d/<token>\", \"expires_at\":"
                + " \"<now + ttl, ISO-8601>\"}; the token is 16+ bytes from SecureRandom in base64url without padding.")
        @DisplayName("POST /links answers 201 with /d/<base64url token of 128+ bits> and expires_at = now + ttl on"
            + " the injected clock")
        void createsALink() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.writeString(root.resolve("notes.txt"), "hello");
            HttpResponse<String> response = createLink("notes.txt", "PT10M");
            assertThat(response.statusCode()).as("status of POST /links (body: %s)", response.body()).isEqualTo(201);
            Map<String, String> json = json(response);
            assertThat(json.get("url")).as("\"url\" of the new link").matches("/d/[A-Za-z0-9_-]{22,}");
            byte[] token = Base64.getUrlDecoder().decode(json.get("url").substring(3));
            assertThat(token.length * 8).as("bits in the token (base64url-decoded)").isGreaterThanOrEqualTo(128);
            assertThat(json.get("expires_at")).as("\"expires_at\" of a link with ttl PT10M created at %s", clock.instant())
                    .isNotNull();
            assertThat(Instant.parse(json.get("expires_at"))).as("\"expires_at\"")
                    .isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        }

        @Test
        @Points(1)
        @Hint("Use SecureRandom.nextBytes for every byte of the token: no counters, timestamps or hashes of the path.")
        @DisplayName("200 links give 200 different tokens, random in every byte")
        void tokensAreRandom() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.writeString(root.resolve("notes.txt"), "hello");
            Set<String> tokens = new HashSet<>();
            List<byte[]> decoded = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String url = json(createLink("notes.txt", "PT10M")).get("url");
                tokens.add(url);
                decoded.add(Base64.getUrlDecoder().decode(url.substring(3)));
            }
            assertThat(tokens).as("distinct tokens among 200 links").hasSize(200);
            assertThat(status(request(tokens.iterator().next()).HEAD())).as("HEAD of one of the 200 live links, after"
                    + " all were created (creating links must not drop live ones)").isEqualTo(200);
            for (int i = 0; i < 16; i++) {
                Set<Byte> values = new HashSet<>();
                for (byte[] t : decoded) {
                    values.add(t[i]);
                }
                assertThat(values.size()).as("distinct values of byte %d across 200 tokens (random bytes give about"
                        + " 140 of 256)", i).isGreaterThanOrEqualTo(60);
            }
        }

        @Test
        @Points(3)
        @Hint("Keep SHA-256(token) as the key, never the token: look a presented token up by its hash. The dump"
                + " shows each link's path and expiry, and the hash.")
        @DisplayName("the link store holds no usable token: its dump shows the path and expiry but no token in any form")
        void storeKeepsOnlyHashes() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.createDirectory(root.resolve("docs"));
            Files.writeString(root.resolve("docs/q3.pdf"), "%PDF-1.7");
            String url = json(createLink("docs/q3.pdf", "PT10M")).get("url");
            String token = url.substring(3);
            byte[] raw = Base64.getUrlDecoder().decode(token);
            String dump = service().dumpLinkStore();
            assertThat(dump).as("dumpLinkStore() with one live link").contains("docs/q3.pdf");
            for (String form : List.of(token, HexFormat.of().formatHex(raw), HexFormat.of().withUpperCase().formatHex(raw),
                    Base64.getEncoder().encodeToString(raw), Base64.getEncoder().withoutPadding().encodeToString(raw))) {
                assertThat(dump).as("dumpLinkStore() (must not hold the token, here in the form %s)", form)
                        .doesNotContain(form);
            }
            for (String word : dump.split("[^A-Za-z0-9_-]+")) {
                if (word.length() >= 16) {
                    assertThat(status(request("/d/" + word).HEAD()))
                            .as("HEAD /d/<'%s' from the dump> (a word of the dump must not work as a token)", word)
                            .isEqualTo(404);
                }
            }
            assertThat(status(request(url).HEAD())).as("HEAD of the real link").isEqualTo(200);
        }

        @Test
        @Points(3)
        @Hint("Expired means clock.instant() is at or after expires_at: read the Settings' clock at every request,"
                + " never System.currentTimeMillis().")
        @DisplayName("a link works until just before expires_at and is a 410 from expires_at on (injected clock)")
        void linksExpire() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.writeString(root.resolve("notes.txt"), "hello");
            String url = json(createLink("notes.txt", "PT10M")).get("url");
            clock.advance(Duration.ofMinutes(10).minusMillis(1));
            assertThat(status(request(url).HEAD())).as("HEAD 1 ms before expiry").isEqualTo(200);
            clock.advance(Duration.ofMillis(1));
            assertThat(status(request(url).HEAD())).as("HEAD at expires_at").isEqualTo(410);
            assertThat(status(request(url).GET())).as("GET at expires_at").isEqualTo(410);
        }

        @Test
        @Points(3)
        @Hint("401 without the bearer token; 400 for a body that is not a JSON object, a missing \"path\", or a"
                + " \"ttl\" that is not an ISO-8601 duration in (0, P1D]; 404 when there is no regular file at the path;"
                + " 413 for a body over 16 KiB.")
        @DisplayName("bad link requests: 401 without the token, 400 for bad JSON, path or ttl, 404 for a missing file")
        void badLinkRequests() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.createDirectory(root.resolve("sub"));
            Files.writeString(root.resolve("notes.txt"), "hello");
            HttpResponse<String> unauthorized = send(request("/links").POST(BodyPublishers.ofString(
                    "{\"path\":\"notes.txt\"}")));
            assertThat(unauthorized.statusCode()).as("POST /links without Authorization").isEqualTo(401);
            HttpResponse<String> get = send(request("/links").GET());
            assertThat(get.statusCode()).as("GET /links").isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).as("Allow header of the 405 for GET /links").hasValueSatisfying(
                    v -> assertThat(v).containsIgnoringCase("POST"));
            Map<String, Integer> expected = new LinkedHashMap<>();
            expected.put("not json", 400);
            expected.put("[\"notes.txt\"]", 400);
            expected.put("{\"ttl\":\"PT1M\"}", 400);
            expected.put("{\"path\":\"notes.txt\",\"ttl\":\"PT0S\"}", 400);
            expected.put("{\"path\":\"notes.txt\",\"ttl\":\"-PT1M\"}", 400);
            expected.put("{\"path\":\"notes.txt\",\"ttl\":\"P2D\"}", 400);
            expected.put("{\"path\":\"notes.txt\",\"ttl\":\"ten minutes\"}", 400);
            expected.put("{\"path\":\"missing.txt\",\"ttl\":\"PT1M\"}", 404);
            expected.put("{\"path\":\"sub\",\"ttl\":\"PT1M\"}", 404);
            expected.put("{\"path\":\"notes.txt\",\"ttl\":\"P1D\"}", 201);
            for (var e : expected.entrySet()) {
                HttpResponse<String> response = send(request("/links").header("Authorization", "Bearer " + SECRET)
                        .POST(BodyPublishers.ofString(e.getKey())));
                assertThat(response.statusCode()).as("status of POST /links with the body %s", e.getKey())
                        .isEqualTo(e.getValue());
            }
            String oversized = "{\"path\":\"notes.txt\",\"pad\":\"" + "x".repeat(17 * 1024) + "\"}";
            HttpResponse<String> tooLarge = send(request("/links").header("Authorization", "Bearer " + SECRET)
                    .POST(BodyPublishers.ofString(oversized)));
            assertThat(tooLarge.statusCode()).as("status of POST /links with a 17 KiB body (the limit is 16 KiB)")
                    .isEqualTo(413);
        }

        @Test
        @Points(1)
        @Hint("Without \"ttl\" a link lives 15 minutes (PT15M).")
        @DisplayName("a link without a ttl lives 15 minutes")
        void defaultTtl() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.writeString(root.resolve("notes.txt"), "hello");
            HttpResponse<String> response = send(request("/links").header("Authorization", "Bearer " + SECRET)
                    .POST(BodyPublishers.ofString("{\"path\":\"notes.txt\"}")));
            assertThat(response.statusCode()).as("status of POST /links without ttl").isEqualTo(201);
            assertThat(Instant.parse(json(response).get("expires_at"))).as("expires_at without ttl")
                    .isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:3")
    @DisplayName("Task 3: one-time downloads")
    class Downloads {

        @Test
        @Points(3)
        @Hint("GET /d/{token}: 200, Content-Length = the file's size, and the file's bytes streamed (not read into"
                + " memory first). An empty file too: sendResponseHeaders takes a length of 0 as 'chunked'.")
        @DisplayName("GET /d/<token> streams the exact bytes with Content-Length")
        void downloadsTheBytes() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            byte[] content = bytes(3 * MIB + 17, 11);
            Files.write(root.resolve("data.bin"), content);
            String url = json(createLink("data.bin", "PT10M")).get("url");
            HttpResponse<byte[]> response = client().send(request(url).GET().build(), BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as("status of the download").isEqualTo(200);
            assertThat(response.headers().firstValueAsLong("Content-Length")).as("Content-Length of the download")
                    .hasValue(content.length);
            assertThat(Arrays.equals(response.body(), content)).as("the downloaded bytes equal the file's").isTrue();

            Files.write(root.resolve("empty.txt"), new byte[0]);
            String emptyUrl = json(createLink("empty.txt", "PT10M")).get("url");
            HttpResponse<byte[]> empty = client().send(request(emptyUrl).GET().build(), BodyHandlers.ofByteArray());
            assertThat(empty.statusCode()).as("status of downloading an empty file").isEqualTo(200);
            assertThat(empty.headers().firstValueAsLong("Content-Length")).as("Content-Length of an empty file's download"
                    + " (the JDK server reads a length of 0 in sendResponseHeaders as 'chunked'; -1 means 'no body')")
                    .hasValue(0L);
            assertThat(empty.body()).as("the body of an empty file's download").isEmpty();
        }

        @Test
        @Points(3)
        @Hint("Content-Type from the README's extension table (else application/octet-stream), X-Content-Type-Options:"
                + " nosniff, Cache-Control: no-store, and Content-Disposition: attachment; filename=\"<ASCII fallback>\";"
                + " filename*=UTF-8''<percent-encoded UTF-8 name> (RFC 6266 / 8187).")
        @DisplayName("downloads carry a Content-Type by extension, nosniff, and Content-Disposition: attachment with"
            + " an RFC 6266 filename*")
        void downloadHeaders() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Map<String, String> types = new LinkedHashMap<>();
            types.put("notes.txt", "text/plain");
            types.put("q3.pdf", "application/pdf");
            types.put("page.html", "text/html");
            types.put("photo.JPG", "image/jpeg");
            types.put("blob.xyz", "application/octet-stream");
            types.put("no-extension", "application/octet-stream");
            types.put("résumé 2024.pdf", "application/pdf");
            for (var e : types.entrySet()) {
                String name = e.getKey();
                Files.writeString(root.resolve(name), "content of " + name);
                String url = json(createLink(encodePath(name), "PT10M")).get("url");
                HttpResponse<String> response = send(request(url).GET());
                assertThat(response.statusCode()).as("status of downloading %s", name).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).as("Content-Type of %s", name)
                        .hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase(e.getValue()));
                assertThat(response.headers().firstValue("X-Content-Type-Options")).as("X-Content-Type-Options of %s", name)
                        .hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("nosniff"));
                assertThat(response.headers().firstValue("Cache-Control")).as("Cache-Control of %s (a one-time download"
                        + " must not be stored by a cache)", name).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase(
                        "no-store"));
                String disposition = response.headers().firstValue("Content-Disposition").orElse("");
                assertThat(disposition).as("Content-Disposition of %s", name).startsWithIgnoringCase("attachment");
                assertThat(disposition.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
                        .as("Content-Disposition of %s is printable ASCII (was: %s)", name, disposition).isTrue();
                var star = Pattern.compile("filename\\*\\s*=\\s*UTF-8''([^;\\s]+)", Pattern.CASE_INSENSITIVE)
                        .matcher(disposition);
                assertThat(star.find()).as("Content-Disposition of %s has filename*=UTF-8''... (was: %s)", name,
                        disposition).isTrue();
                assertThat(URLDecoder.decode(star.group(1).replace("+", "%2B"), UTF_8))
                        .as("the name in filename* of %s, percent-decoded", name).isEqualTo(name);
                var plain = Pattern.compile("filename\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE).matcher(disposition);
                assertThat(plain.find()).as("Content-Disposition of %s has filename=\"<ASCII fallback>\" (was: %s)", name,
                        disposition).isTrue();
                String shape = name.chars().mapToObj(c -> c >= 0x20 && c < 0x7f ? Character.toString(c) : "?")
                        .collect(java.util.stream.Collectors.joining());
                assertThat(plain.group(1)).as("the fallback in filename=\"...\" of %s: each non-ASCII character replaced by"
                        + " one ASCII character, every other character kept, i.e. %s where ? is any printable ASCII", name,
                        shape).matches(fallbackPattern(name));
            }
        }

        @Test
        @Points(3)
        @Hint("After a complete 200 the link is spent: 410 Gone. A token the store never knew is 404.")
        @DisplayName("a second GET of a used link is a 410, and an unknown token a 404")
        void secondGetIsGone() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.writeString(root.resolve("notes.txt"), "hello");
            String url = json(createLink("notes.txt", "PT10M")).get("url");
            assertThat(status(request(url).GET())).as("first GET").isEqualTo(200);
            assertThat(settledStatus(url)).as("second GET of the same link").isEqualTo(410);
            assertThat(status(request(url).HEAD())).as("HEAD of the used link").isEqualTo(410);
            String unknown = "/d/" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
            assertThat(status(request(unknown).GET())).as("GET of a token nobody created").isEqualTo(404);
            HttpResponse<String> delete = send(request(url).DELETE());
            assertThat(delete.statusCode()).as("DELETE of a download link").isEqualTo(405);
            assertThat(delete.headers().firstValue("Allow")).as("Allow header of that 405").hasValueSatisfying(
                    v -> assertThat(v).containsIgnoringCase("GET").containsIgnoringCase("HEAD"));
        }

        @Test
        @Points(5)
        @Timeout(60)
        @Hint("Two GETs can both see \"unused\" before either marks it: claim the link in one atomic step"
                + " (AtomicReference.compareAndSet(READY, SENDING), or ConcurrentHashMap.remove) before sending a byte.")
        @DisplayName("100 concurrent GETs of one link while the first download is still under way: exactly one 200,"
            + " the rest 409 or 410")
        void concurrentGetsExactlyOne() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            GeneratedBytes.writeFile(root.resolve("big.bin"), HELD_FILE_BYTES, 5);
            String url = json(createLink("big.bin", "PT10M")).get("url");
            int clients = 100;
            CyclicBarrier go = new CyclicBarrier(clients);
            CountDownLatch allAnswered = new CountDownLatch(clients);
            AtomicInteger ok = new AtomicInteger();
            List<Future<Integer>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    results.add(pool.submit(() -> {
                        try (RawHttp http = RawHttp.connect(service().port(), Duration.ofSeconds(30))) {
                            go.await();
                            http.send("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                            int status = http.readStatus();
                            if (status == 200) {
                                ok.incrementAndGet();
                            }
                            allAnswered.countDown();
                            // The 200 holds its transfer (nobody reads it) until every other GET has been answered.
                            allAnswered.await();
                            if (status == 200 && ok.get() == 1) {
                                long length = Long.parseLong(http.readHeaders().get("content-length"));
                                assertThat(http.skipBody(length)).as("bytes of the one 200").isEqualTo(HELD_FILE_BYTES);
                            } else if (status == 200) {
                                http.abort();
                            }
                            return status;
                        }
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : results) {
                    statuses.add(f.get(50, TimeUnit.SECONDS));
                }
                assertThat(statuses.stream().filter(s -> s == 200).count())
                        .as("number of 200s among 100 concurrent GETs of one link (statuses: %s)", new TreeMap<>(count(statuses)))
                        .isEqualTo(1);
                assertThat(statuses).as("statuses of the other GETs").allMatch(s -> s == 200 || s == 409 || s == 410);
            }
            assertThat(settledStatus(url)).as("GET after the one complete download").isEqualTo(410);
        }

        @Test
        @Points(2)
        @Hint("HEAD answers the GET's headers (Content-Length included) and never claims or spends the link: link"
                + " previews and scanners send HEAD.")
        @DisplayName("HEAD answers 200 with the headers and does not spend the link")
        void headDoesNotSpend() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.writeString(root.resolve("notes.txt"), "hello");
            String url = json(createLink("notes.txt", "PT10M")).get("url");
            for (int i = 1; i <= 3; i++) {
                HttpResponse<String> head = send(request(url).HEAD());
                assertThat(head.statusCode()).as("HEAD number %d", i).isEqualTo(200);
                assertThat(head.headers().firstValueAsLong("Content-Length"))
                        .as("Content-Length of HEAD number %d (what a GET would send: the file's 5 bytes)", i).hasValue(5);
            }
            HttpResponse<String> get = send(request(url).GET());
            assertThat(get.statusCode()).as("GET after three HEADs").isEqualTo(200);
            assertThat(get.body()).as("body of that GET").isEqualTo("hello");
        }

        @Test
        @Points(4)
        @Timeout(60)
        @Hint("Spend the link only after the last byte was written and the body stream closed without an error; if"
                + " writing fails (the client went away), put it back to unused.")
        @DisplayName("a client that disconnects mid-download leaves the link valid for a complete download")
        void abortedDownloadKeepsTheLink() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            byte[] sha = GeneratedBytes.writeFile(root.resolve("big.bin"), HELD_FILE_BYTES, 9);
            String url = json(createLink("big.bin", "PT10M")).get("url");
            try (RawHttp http = RawHttp.connect(service().port(), ANSWER)) {
                http.send("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(http.readStatus()).as("status of the download that will be aborted").isEqualTo(200);
                http.readHeaders();
                http.skipBody(MIB);
                assertThat(status(request(url).HEAD())).as("HEAD while that download is under way (held at 1 MiB of 64 MiB)")
                        .isEqualTo(409);
                http.abort();
            }
            int after = await("the aborted download to end (HEAD stops answering 409)").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50)).until(() -> status(request(url).HEAD()), s -> s != 409);
            assertThat(after).as("HEAD of the link after the client disconnected at 1 MiB of 64 MiB").isEqualTo(200);
            HttpResponse<InputStream> again = client().send(request(url).GET().build(), BodyHandlers.ofInputStream());
            assertThat(again.statusCode()).as("GET of the link after the aborted download").isEqualTo(200);
            try (DigestInputStream in = new DigestInputStream(again.body(), MessageDigest.getInstance("SHA-256"))) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                assertThat(in.getMessageDigest().digest()).as("SHA-256 of the complete download").isEqualTo(sha);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:4")
    @DisplayName("Task 4: paths that try to leave the root")
    class Traversal {

        @Test
        @Points(5)
        @Hint("Percent-decode once (strict UTF-8), check every segment against the README's allow-list (no empty"
                + " segment, no leading dot, no \\ : % or NUL), then root.resolve(p).normalize().startsWith(root) on"
                + " Path objects.")
        @DisplayName("47 hostile paths at PUT /files/... all get a 4xx and write nothing outside the root")
        void hostilePathsAtUpload() throws Exception {
            start(Settings.of(root, SECRET));
            Map<Path, String> outside = outsideTheRoot();
            List<String> accepted = new ArrayList<>();
            for (String vector : HOSTILE) {
                RawHttp.Response response = raw("PUT /files/" + vector + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization:"
                        + " Bearer " + SECRET + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\npwned");
                if (response.status() < 400 || response.status() >= 500) {
                    accepted.add(vector + " -> " + response.status());
                }
                assertThat(response.text()).as("answer to PUT /files/%s", vector).doesNotContain(CANARY);
            }
            // The JDK server picks the handler by the decoded path: this one reaches /files/ too.
            RawHttp.Response encodedPrefix = raw("PUT /files%2f..%2fcanary.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization:"
                    + " Bearer " + SECRET + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\npwned");
            if (encodedPrefix.status() < 400 || encodedPrefix.status() >= 500) {
                accepted.add("(the whole path) /files%2f..%2fcanary.txt -> " + encodedPrefix.status());
            }
            assertThat(accepted).as("hostile upload paths that did not get a 4xx (of %d)", HOSTILE.size()).isEmpty();
            assertThat(outsideTheRoot()).as("files beside the root after the hostile uploads").isEqualTo(outside);
        }

        @Test
        @Points(5)
        @Hint("The \"path\" of POST /links goes through the same decoding and checks as an upload path. A refused"
                + " path is a 400, a missing file a 404: never a link to something outside the root.")
        @DisplayName("the same 47 hostile paths at POST /links all get a 4xx, and the canary beside the root is never served")
        void hostilePathsAtLinks() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.createDirectory(root.resolve("sub"));
            Files.writeString(root.resolve("sub/inside.txt"), "inside");
            List<String> accepted = new ArrayList<>();
            for (String vector : HOSTILE) {
                HttpResponse<String> response = createLink(vector, "PT10M");
                assertThat(response.body()).as("answer to POST /links for %s", vector).doesNotContain(CANARY);
                if (response.statusCode() < 400 || response.statusCode() >= 500) {
                    accepted.add(vector + " -> " + response.statusCode());
                    String url = response.statusCode() < 400 ? json(response).get("url") : null;
                    if (url != null) {
                        assertThat(send(request(url).GET()).body()).as("the download of a link made for %s", vector)
                                .doesNotContain(CANARY);
                    }
                }
            }
            assertThat(accepted).as("hostile link paths that did not get a 4xx (of %d)", HOSTILE.size()).isEmpty();
        }

        @Test
        @Points(4)
        @Hint("A symbolic link inside the root can point anywhere. For reading: toRealPath() must still start with"
                + " the root's real path; for writing: refuse any existing path element that is a symbolic link.")
        @DisplayName("symbolic links that lead out of the root are refused for links and uploads")
        void symlinksOut() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.createSymbolicLink(root.resolve("escape.txt"), tmp.resolve("canary.txt"));
            Files.createSymbolicLink(root.resolve("out"), tmp);
            Files.createSymbolicLink(root.resolve("evil"), tmp.resolve("data-evil"));
            Map<Path, String> outside = outsideTheRoot();
            for (String path : List.of("escape.txt", "out/canary.txt", "evil/secret.txt", "out/data-evil/secret.txt")) {
                HttpResponse<String> link = createLink(path, "PT10M");
                assertThat(link.body()).as("answer to POST /links for %s", path).doesNotContain(CANARY);
                assertThat(link.statusCode()).as("status of POST /links for %s (a symbolic link out of the root)", path)
                        .isBetween(400, 499);
            }
            for (String path : List.of("out/new.txt", "evil/new.txt", "escape.txt", "out/canary.txt")) {
                HttpResponse<String> upload = put(path, "pwned".getBytes(UTF_8));
                assertThat(upload.statusCode()).as("status of PUT /files/%s (through a symbolic link out of the root)", path)
                        .isBetween(400, 499);
            }
            assertThat(outsideTheRoot()).as("files beside the root after uploads through symbolic links").isEqualTo(outside);
            Files.writeString(root.resolve("report.txt"), "inside");
            String url = json(createLink("report.txt", "PT10M")).get("url");
            Files.delete(root.resolve("report.txt"));
            Files.createSymbolicLink(root.resolve("report.txt"), tmp.resolve("canary.txt"));
            HttpResponse<String> swapped = send(request(url).GET());
            assertThat(swapped.body()).as("download of a link whose file became a symbolic link out of the root")
                    .doesNotContain(CANARY);
            assertThat(swapped.statusCode()).as("status of that download (check the file again when it is served)")
                    .isBetween(400, 499);
            assertThat(Files.isSymbolicLink(root.resolve("escape.txt"))).as("root/escape.txt is still the symbolic link")
                    .isTrue();
        }

        @Test
        @Points(2)
        @Hint("A download token is looked up, never used as a path: anything that is not a live token is a 404.")
        @DisplayName("paths in place of a download token are 404s and never serve the canary")
        void hostileTokens() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.writeString(root.resolve("notes.txt"), "hello");
            String url = json(createLink("notes.txt", "PT10M")).get("url");
            String token = url.substring(3);
            // The real token with its first character percent-encoded: not a token of the store, so a 404.
            String encodedToken = "/d/%" + HexFormat.of().withUpperCase().toHexDigits((byte) token.charAt(0))
                    + token.substring(1);
            for (String target : List.of(encodedToken, "/d/..%2fcanary.txt", "/d/%2e%2e%2f%2e%2e%2fcanary.txt", "/d/notes.txt",
                    "/d/" + url.substring(3) + "/..%2f..%2fcanary.txt", "/d/..%5ccanary.txt", "/d/", "/d/%00",
                    "/d/" + url.substring(3) + "%00")) {
                RawHttp.Response response = raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertThat(response.text()).as("answer to GET %s", target).doesNotContain(CANARY);
                assertThat(response.status()).as("status of GET %s", target).isEqualTo(404);
            }
            assertThat(status(request(url).HEAD())).as("HEAD of the real link afterwards").isEqualTo(200);
        }

        @Test
        @Points(2)
        @Hint("A dot inside a name is fine (notes..old.txt), only a leading dot is refused; percent-encoded letters"
                + " and slashes decode to ordinary names.")
        @DisplayName("harmless paths that look odd are accepted: inner dots, encoded letters, an encoded slash between names")
        void oddButHarmless() throws Exception {
            start(Settings.of(root, SECRET));
            Map<String, String> stored = new LinkedHashMap<>();
            stored.put("notes..old.txt", "notes..old.txt");
            stored.put("%61%62%63.txt", "abc.txt");
            stored.put("dir%2Ffile.txt", "dir/file.txt");
            stored.put("r%C3%A9sum%C3%A9.txt", "résumé.txt");
            stored.put("a%20b.txt", "a b.txt");
            for (var e : stored.entrySet()) {
                RawHttp.Response response = raw("PUT /files/" + e.getKey() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + SECRET + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
                assertThat(response.status()).as("status of PUT /files/%s", e.getKey()).isEqualTo(201);
                assertThat(root.resolve(e.getValue())).as("the file PUT /files/%s stores", e.getKey()).hasContent("ok");
            }
        }
    }

    /**
     * The hostile paths, as written after {@code /files/} in a request line (and in a link's "path"). Each would
     * reach the canary, the sibling {@code data-evil}, a system file, or a name the README's allow-list refuses.
     */
    static final List<String> HOSTILE = List.of(
            "../canary.txt",                                  // plain dot-dot
            "..%2fcanary.txt", "..%2Fcanary.txt",             // encoded slash
            "%2e%2e/canary.txt", "%2E%2E/canary.txt",         // encoded dots (CVE-2024-38816 style)
            "%2e%2e%2fcanary.txt",                            // all encoded
            "sub/../../canary.txt", "sub/%2e%2e/%2e%2e/canary.txt", "sub%2f..%2f..%2fcanary.txt",
            "./../canary.txt", "sub//..//..//canary.txt",
            "..%5ccanary.txt", "%2e%2e%5ccanary.txt",         // backslash (vert.x CVE-2018-12542)
            "..\\canary.txt",                                 // raw backslash
            "%252e%252e%252fcanary.txt", "..%252fcanary.txt", // double-encoded
            "%25%32%65%25%32%65/canary.txt",                  // double-encoded, every byte
            "%c0%ae%c0%ae/canary.txt", "%c0%ae%c0%ae%c0%afcanary.txt", "..%c0%afcanary.txt", // overlong UTF-8
            "%e0%80%ae%e0%80%ae/canary.txt",                  // 3-byte overlong dot
            "%ef%bc%8e%ef%bc%8e%ef%bc%8fcanary.txt",          // full-width ．．／
            "..%e2%88%95canary.txt",                          // U+2215 division slash
            "%2fetc%2fpasswd", "/etc/passwd", "%2f..%2fcanary.txt", // absolute
            "../data-evil/secret.txt", "..%2fdata-evil%2fsecret.txt", // sibling prefix (startsWith on strings)
            "C:%5cWindows%5cwin.ini", "C:/canary.txt", "%5c%5c%3f%5cC:%5ccanary.txt", // Windows drive and \\?\
            "canary.txt%00.png", "a%00/../../canary.txt", "..%00/canary.txt", // NUL
            ".", "..", "%2e", "%2e%2e", ".%2e/canary.txt",    // the dot segments themselves
            "..;/canary.txt",                                 // Tomcat-style path parameter
            "%0d%0aSet-Cookie:%20x=1",                        // control characters
            "notes.txt.", "notes.txt%20",                     // Windows trailing dot and space
            "%", "x%4", "..%u2216canary.txt",                 // broken escapes (x%4: a % one digit from the end)
            ".hidden");                                       // a leading dot: hidden files and temp names

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:5")
    @DisplayName("Task 5: access log, memory and a clean close")
    class Operations {

        @RegisterExtension
        final LogCapture access = LogCapture.forLogger(Settings.ACCESS_LOG);

        @RegisterExtension
        final LogCapture everything = LogCapture.forLogger("ROOT");

        @RegisterExtension
        final SecretCanary bearer = SecretCanary.of(SECRET);

        @Test
        @Points(4)
        @Hint("One INFO event per request on the logger Settings.ACCESS_LOG, written after the response, with the"
                + " key-values method, path, status (499 if the client went away before any answer; 500 for a failure on"
                + " the server's side), bytes (response body bytes sent, errors and JSON answers included) and duration_ms"
                + " (from the request's arrival to its end).")
        @DisplayName("every request makes one access-log event with method, path, status, bytes and duration_ms")
        void accessLog() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Map<String, Long> bodyBytes = new LinkedHashMap<>(); // "method path status" -> body bytes the client got
            byte[] content = bytes(123_457, 1);
            HttpResponse<String> upload = put("docs/a.bin", content);
            assertThat(upload.statusCode()).isEqualTo(201);
            bodyBytes.put("PUT /files/docs/a.bin 201", utf8Length(upload));
            HttpResponse<String> link = createLink("docs/a.bin", "PT10M");
            bodyBytes.put("POST /links 201", utf8Length(link));
            String url = json(link).get("url");
            assertThat(status(request(url).GET())).isEqualTo(200);
            bodyBytes.put("GET /d/*** 200", (long) content.length);
            String unknown = "/d/" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
            HttpResponse<String> notFound = send(request(unknown).GET());
            assertThat(notFound.statusCode()).isEqualTo(404);
            bodyBytes.put("GET /d/*** 404", utf8Length(notFound));
            HttpResponse<String> unauthorized = send(request("/files/x.txt").PUT(BodyPublishers.ofString("x")));
            assertThat(unauthorized.statusCode()).isEqualTo(401);
            bodyBytes.put("PUT /files/x.txt 401", utf8Length(unauthorized));
            HttpResponse<String> nothing = send(request("/nothing-here").GET());
            assertThat(nothing.statusCode()).isEqualTo(404);
            bodyBytes.put("GET /nothing-here 404", utf8Length(nothing));
            try (RawHttp http = RawHttp.connect(service().port(), ANSWER)) { // a client gone before any answer
                http.send("PUT /files/gone.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                        + "\r\nContent-Length: " + 4 * MIB + "\r\n\r\n").sendRepeated((byte) 'a', MIB);
                await("a temp file under the root after 1 MiB of a 4 MiB upload").atMost(ANSWER)
                        .pollInterval(Duration.ofMillis(20)).until(() -> filesUnder(root).size() > 1);
                // Not to synchronise: this request must last a known time, which its duration_ms has to show.
                Thread.sleep(Duration.ofMillis(60));
                http.abort();
            }
            bodyBytes.put("PUT /files/gone.bin 499", 0L);
            await("7 access-log events").atMost(ANSWER).pollInterval(Duration.ofMillis(20))
                    .until(() -> access.events().size() >= 7);
            // A failure on the server's side: the root directory has been replaced by a file.
            try (Stream<Path> tree = Files.walk(root)) {
                for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            Files.writeString(root, "the root is gone");
            HttpResponse<String> failed = send(request("/files/late.txt").header("Authorization", "Bearer " + SECRET)
                    .PUT(BodyPublishers.ofString("late")));
            assertThat(failed.statusCode()).as("status of an upload after the root directory was replaced by a file (a"
                    + " failure on the server's side is a 500, not a dropped connection)").isEqualTo(500);
            bodyBytes.put("PUT /files/late.txt 500", utf8Length(failed));

            await("8 access-log events").atMost(ANSWER).pollInterval(Duration.ofMillis(20))
                    .until(() -> access.events().size() >= 8);
            List<Map<String, Object>> events = access.events().stream().map(LogCapture::keyValues).toList();
            assertThat(events).as("access-log events (key-values) for 8 requests").hasSize(8);
            List<String> seen = events.stream().map(FileServiceTest::requestOf).sorted().toList();
            assertThat(seen).as("method, path and status of the access-log events")
                    .containsExactlyElementsOf(bodyBytes.keySet().stream().sorted().toList());
            for (Map<String, Object> e : events) {
                assertThat(e.get("duration_ms")).as("duration_ms of %s", e).isInstanceOf(Number.class);
                assertThat(asLong(e.get("duration_ms"))).as("duration_ms of %s", e).isBetween(0L, 60_000L);
                assertThat(e.get("bytes")).as("bytes of %s", e).isInstanceOf(Number.class);
                assertThat(asLong(e.get("bytes"))).as("bytes of the event of %s (the response body bytes sent; the client"
                        + " got %d)", requestOf(e), bodyBytes.get(requestOf(e))).isEqualTo(bodyBytes.get(requestOf(e)));
            }
            Map<String, Object> gone = events.stream().filter(e -> asLong(e.get("status")) == 499).findFirst().orElseThrow();
            assertThat(asLong(gone.get("duration_ms"))).as("duration_ms of the upload that went on for 60 ms after its temp"
                    + " file appeared (time it from when the request arrives to when it ends)").isGreaterThanOrEqualTo(50L);
        }

        @Test
        @Points(3)
        @Hint("Log the path with a download token replaced: /d/***. Never log the Authorization header or a token,"
                + " in the access log or anywhere else.")
        @DisplayName("no log line holds a download token or the bearer secret: downloads are logged as /d/***")
        void logsAreRedacted() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock));
            Files.writeString(root.resolve("notes.txt"), "hello");
            String url = json(createLink("notes.txt", "PT10M")).get("url");
            String token = url.substring(3);
            assertThat(status(request(url).HEAD())).isEqualTo(200);
            assertThat(status(request(url).GET())).isEqualTo(200);
            assertThat(settledStatus(url)).isEqualTo(410);
            String wrongBearer = "wrong-bearer-5c0ffee5";
            assertThat(status(request("/files/x.txt").header("Authorization", "Bearer " + wrongBearer)
                    .PUT(BodyPublishers.ofString("x")))).isEqualTo(401);
            await("5 access-log events").atMost(ANSWER).pollInterval(Duration.ofMillis(20))
                    .until(() -> access.events().size() >= 5);
            for (ILoggingEvent event : everything.events()) {
                String text = event.getFormattedMessage() + " " + LogCapture.keyValues(event)
                        + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage());
                assertThat(text).as("the log line '%s' of %s", event.getFormattedMessage(), event.getLoggerName())
                        .doesNotContain(token).doesNotContain(wrongBearer);
            }
            assertThat(access.events().stream().map(e -> String.valueOf(LogCapture.keyValues(e).get("path"))))
                    .as("paths of the download events").contains("/d/***");
        }

        @Test
        @Points(5)
        @Timeout(180)
        @Hint("Stream both ways with a fixed buffer: request body to a FileChannel in 64 KiB pieces, file to the"
                + " response body the same way; nothing may hold the whole file (no readAllBytes, no ByteArrayOutputStream).")
        @DisplayName("a 1 GiB upload and download pass through a service limited to -Xmx64m")
        void oneGibInASmallHeap() throws Exception {
            long size = 1L << 30;
            // The heap is under test, not the disk: a root in memory (tmpfs) when there is one, so that writing and
            // fsyncing 1 GiB does not take most of the test's time.
            Path shm = Path.of("/dev/shm");
            Path bigRoot = Files.isDirectory(shm) && Files.getFileStore(shm).getUsableSpace() > 3 * size
                    ? Files.createTempDirectory(shm, "ex07-") : root;
            try (ChildJvm jvm = ChildJvm.builder(FileServiceMain.class)
                    .jvmArgs("-Xmx64m", "-XX:+ExitOnOutOfMemoryError")
                    .args(bigRoot.toString(), SECRET, Long.toString(2 * size)).start()) {
                String portLine;
                try {
                    portLine = jvm.waitForOutput(l -> l.startsWith("PORT "), Duration.ofSeconds(60));
                } catch (AssertionError e) {
                    rethrowIfChildHitStub(jvm);
                    throw e;
                }
                int port = Integer.parseInt(portLine.substring(5).trim());
                // Raw connections: the JDK HttpClient would cost more CPU than the service under test.
                RawHttp.Response upload;
                try (RawHttp http = RawHttp.connect(port, Duration.ofSeconds(60))) {
                    http.send("PUT /files/huge.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                            + "\r\nContent-Length: " + size + "\r\n\r\n");
                    http.sendAll(new GeneratedBytes(size, 42, false));
                    upload = http.readResponse();
                } catch (IOException e) {
                    throw new AssertionError("the 1 GiB upload failed: " + e + jvm.outputForMessage(), e);
                }
                assertThat(upload.status()).as("status of the 1 GiB upload%s", jvm.outputForMessage()).isEqualTo(201);
                String json = "{\"path\":\"huge.bin\",\"ttl\":\"PT10M\"}";
                RawHttp.Response link = rawTo(port, "POST /links HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + SECRET + "\r\nContent-Length: " + json.length() + "\r\nConnection: close\r\n\r\n" + json);
                String url = FlatJson.parseObject(link.text()).get("url");
                try (RawHttp http = RawHttp.connect(port, Duration.ofSeconds(60))) {
                    http.send("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThat(http.readStatus()).as("status of the 1 GiB download").isEqualTo(200);
                    assertThat(http.readHeaders().get("content-length")).as("Content-Length of the 1 GiB download")
                            .isEqualTo(Long.toString(size));
                    // Byte for byte against the same generated stream: cheaper than hashing both ends.
                    long difference = http.compareBody(size, new GeneratedBytes(size, 42, false));
                    assertThat(difference).as("offset of the first downloaded byte that differs from the upload (-1: none)%s",
                            jvm.outputForMessage()).isEqualTo(-1);
                } catch (IOException e) {
                    throw new AssertionError("the 1 GiB download broke off: " + e + jvm.outputForMessage(), e);
                }
            } finally {
                if (!bigRoot.equals(root)) {
                    try (Stream<Path> files = Files.walk(bigRoot)) {
                        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        }

        @Test
        @Points(3)
        @Timeout(30)
        @Hint("close() must stop the HttpServer (stop(0) ends open exchanges) and close its executor, waiting for"
                + " the handler threads; a second close() does nothing.")
        @DisplayName("close() ends a download in flight, frees the port and leaves no thread behind; a second"
            + " close() is harmless")
        void cleanClose() throws Exception {
            var before = leaks.snapshot();
            start(Settings.of(root, SECRET).withClock(clock));
            int port = service().port();
            GeneratedBytes.writeFile(root.resolve("big.bin"), HELD_FILE_BYTES, 3);
            String url = json(createLink("big.bin", "PT10M")).get("url");
            client().close();
            client = null;
            try (RawHttp http = RawHttp.connect(port, ANSWER)) {
                http.send("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(http.readStatus()).as("status of the download held open").isEqualTo(200);
                FileService closing = service();
                service = null;
                closing.close();
                closing.close();
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                fail("the port " + port + " still accepts connections after close()");
            } catch (ConnectException expected) {
                // refused: the server socket is closed
            }
            leaks.assertNoLeaksSince(before);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:6")
    @DisplayName("Task 6 (stretch): X-Accel-Redirect mode")
    class AccelRedirect {

        @Test
        @Points(4)
        @Hint("With Settings.accelRedirect() set, a GET claims and spends the link and answers 200 with"
                + " X-Accel-Redirect: <prefix><percent-encoded path>, the same Content-Type, nosniff and"
                + " Content-Disposition headers, and no body; HEAD answers the same and spends nothing.")
        @DisplayName("in X-Accel-Redirect mode a GET hands the file to the proxy (header, no body) and spends the link;"
            + " HEAD does not")
        void accelRedirectHandsOff() throws Exception {
            start(Settings.of(root, SECRET).withClock(clock).withAccelRedirect("/internal/"));
            Files.createDirectory(root.resolve("reports"));
            String name = "reports/résumé 1-final_v2~.pdf";
            Files.writeString(root.resolve(name), CANARY); // the proxy sends the bytes, never the service
            String url = json(createLink(encodePath(name), "PT10M")).get("url");
            HttpResponse<String> head = send(request(url).HEAD());
            assertThat(head.statusCode()).as("HEAD in X-Accel-Redirect mode").isEqualTo(200);
            HttpResponse<String> get = send(request(url).GET());
            assertThat(get.statusCode()).as("GET in X-Accel-Redirect mode").isEqualTo(200);
            String accel = get.headers().firstValue("X-Accel-Redirect").orElse("");
            assertThat(accel).as("X-Accel-Redirect of the GET").startsWith("/internal/");
            assertThat(accel.chars().allMatch(c -> c > 0x20 && c < 0x7f)).as("X-Accel-Redirect (%s) is percent-encoded"
                    + " ASCII without spaces", accel).isTrue();
            assertThat(URLDecoder.decode(accel.substring("/internal/".length()).replace("+", "%2B"), UTF_8))
                    .as("the path in X-Accel-Redirect, percent-decoded").isEqualTo(name);
            assertThat(accel.substring("/internal/".length())).as("the path in X-Accel-Redirect: every byte outside"
                    + " A-Z a-z 0-9 - . _ ~ and / as %XX, the rest as it is").isEqualToIgnoringCase(encodePath(name));
            assertThat(get.body()).as("body of the GET (the proxy sends the file, the service nothing)").isEmpty();
            assertThat(get.headers().firstValue("Content-Type")).as("Content-Type of the hand-off")
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/pdf"));
            assertThat(get.headers().firstValue("Content-Disposition")).as("Content-Disposition of the hand-off")
                    .hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("attachment"));
            assertThat(settledStatus(url)).as("a second GET after the hand-off").isEqualTo(410);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    void start(Settings settings) throws IOException {
        service = FileService.start(settings);
    }

    FileService service() {
        assertThat(service).as("the service (start it first)").isNotNull();
        return service;
    }

    HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(ANSWER).build();
        }
        return client;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service().port() + path)).timeout(ANSWER);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client().send(request.build(), BodyHandlers.ofString());
    }

    int status(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(request).statusCode();
    }

    /**
     * The status of a GET of {@code url} once no download of it is under way. The client may have every byte of a
     * download a moment before the server has finished the exchange and marked the link used; meanwhile a GET is
     * a 409.
     */
    int settledStatus(String url) {
        return await("GET " + url.substring(0, 3) + "... to stop answering 409 (download in progress)").atMost(ANSWER)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> status(request(url).GET()), s -> s != 409);
    }

    HttpResponse<String> put(String encodedPath, byte[] body) throws IOException, InterruptedException {
        return send(request("/files/" + encodedPath).header("Authorization", "Bearer " + SECRET)
                .PUT(BodyPublishers.ofByteArray(body)));
    }

    HttpResponse<String> createLink(String path, String ttl) throws IOException, InterruptedException {
        return send(request("/links").header("Authorization", "Bearer " + SECRET)
                .POST(BodyPublishers.ofString(FlatJson.object(Map.of("path", path, "ttl", ttl)))));
    }

    /** One raw request on its own connection, answered in full. */
    RawHttp.Response raw(String request) throws IOException {
        return rawTo(service().port(), request);
    }

    static RawHttp.Response rawTo(int port, String request) throws IOException {
        try (RawHttp http = RawHttp.connect(port, ANSWER)) {
            return http.send(request).readResponse();
        }
    }

    static Map<String, String> json(HttpResponse<String> response) {
        try {
            return FlatJson.parseObject(response.body());
        } catch (IllegalArgumentException e) {
            throw new AssertionError("expected a JSON object in the answer (status " + response.statusCode() + "), got: "
                    + response.body(), e);
        }
    }

    /** A name's RFC 6266 fallback: its printable ASCII kept (no " or \\ occur in names), one character for each other. */
    static String fallbackPattern(String name) {
        StringBuilder pattern = new StringBuilder();
        name.chars().forEach(c -> pattern.append(c >= 0x20 && c < 0x7f ? Pattern.quote(Character.toString(c)) : "[ -~]"));
        return pattern.toString();
    }

    /** Percent-encodes a name for a URL path (UTF-8), keeping the slashes. */
    static String encodePath(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(UTF_8)) {
            int c = b & 0xff;
            if (c == '/' || (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0))) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    static long utf8Length(HttpResponse<String> response) {
        return response.body().getBytes(UTF_8).length;
    }

    /** An access-log event as "method path status". */
    static String requestOf(Map<String, Object> event) {
        return event.get("method") + " " + event.get("path") + " " + asLong(event.get("status"));
    }

    static long asLong(@Nullable Object value) {
        return value instanceof Number n ? n.longValue() : Long.MIN_VALUE;
    }

    static Map<Integer, Long> count(List<Integer> statuses) {
        Map<Integer, Long> counts = new TreeMap<>();
        statuses.forEach(s -> counts.merge(s, 1L, Long::sum));
        return counts;
    }

    /** The regular files under {@code dir}, relative, sorted; temp files included. */
    static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    static void awaitNothingUnder(Path dir, String when) {
        awaitFilesUnder(dir, Set.of(), when);
    }

    /** Waits (generously) until exactly {@code expected} are the regular files under {@code dir}. */
    static void awaitFilesUnder(Path dir, Set<String> expected, String when) {
        try {
            await().atMost(ANSWER).pollInterval(Duration.ofMillis(20))
                    .until(() -> new HashSet<>(filesUnder(dir)).equals(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> actual;
            try {
                actual = filesUnder(dir);
            } catch (IOException io) {
                actual = List.of(io.toString());
            }
            throw new AssertionError("files under the root " + when + ": expected " + new java.util.TreeSet<>(expected)
                    + ", but " + ANSWER.toSeconds() + " s later there were " + actual
                    + " (an upload that fails must delete its temp file)");
        }
    }

    /** Every file beside the root (canaries included) with its content. */
    Map<Path, String> outsideTheRoot() throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(tmp)) {
            for (Path p : walk.filter(p -> !p.startsWith(root)).filter(p -> Files.isRegularFile(p,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                files.put(tmp.relativize(p), Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
