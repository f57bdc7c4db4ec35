package dev.opsworkbook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.jspecify.annotations.Nullable;

/**
 * A real Redis server for a test class, handed to tests by {@link RedisServerExtension} (see {@link RealRedis}).
 *
 * <p>Where it comes from, first match wins (printed once per JVM on stderr):
 * <ol>
 *   <li>{@code REDIS_URL} ({@code redis://host:port}): a server someone else runs. Every test flushes it, so use a
 *       scratch server; {@link #stop()} and {@link #restart()} abort the test there (the fixture cannot restart a
 *       server it did not start).</li>
 *   <li>{@code redis-server} on {@code PATH} (or in {@code /usr/sbin}, {@code /usr/bin}), version 6.2 or newer.</li>
 *   <li>The linux/macOS binary bundled in {@code com.github.codemonstur:embedded-redis} (6.2.x), extracted once to
 *       {@code java.io.tmpdir}.</li>
 * </ol>
 * {@code OPSWB_REDIS=path} or {@code OPSWB_REDIS=embedded} forces one of the last two (to test the fallback).
 *
 * <p>A started server listens on a free loopback port with {@code --save "" --appendonly no} in its own temporary
 * directory, as a child of this JVM (killed by a shutdown hook if the JVM exits first) that {@link LeakCheck} does not
 * count as a test's child process, nor its restart as a leak; {@link #close()} shuts it down and deletes its
 * directory.
 */
public final class TestRedis implements AutoCloseable {

    /** Where the server comes from. */
    public enum Source { URL, PATH, EMBEDDED }

    private static final Duration IO_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern URL = Pattern.compile("redis://(?:[^@/]*@)?([^:/]+)(?::(\\d+))?/?.*");

    private final Source source;
    private final String host;
    private final int port;
    private final @Nullable Path binary;
    private final @Nullable Path dir;
    private final String version;
    private @Nullable Process process;
    private @Nullable Thread killOnExit;
    private Map<Integer, String> processDescriptors = Map.of();

    private TestRedis(Source source, String host, int port, @Nullable Path binary, @Nullable Path dir) {
        this.source = source;
        this.host = host;
        this.port = port;
        this.binary = binary;
        this.dir = dir;
        if (binary != null) {
            start();
        }
        this.version = String.valueOf(info("server").getOrDefault("redis_version", "?"));
    }

    /** Starts (or, with {@code REDIS_URL}, connects to) a server, as the class Javadoc says. */
    public static TestRedis launch() {
        String url = System.getenv("REDIS_URL");
        String forced = Optional.ofNullable(System.getenv("OPSWB_REDIS")).orElse("").toLowerCase(Locale.ROOT);
        if (url != null && !url.isBlank() && forced.isEmpty()) {
            Matcher m = URL.matcher(url.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("REDIS_URL must look like redis://host:port, not " + url);
            }
            return new TestRedis(Source.URL, m.group(1), m.group(2) == null ? 6379 : Integer.parseInt(m.group(2)),
                    null, null);
        }
        Path onPath = forced.equals("embedded") ? null : redisServerOnPath();
        if (onPath == null && forced.equals("path")) {
            throw new IllegalStateException("OPSWB_REDIS=path, but no redis-server >= 6.2 on PATH");
        }
        Source source = onPath != null ? Source.PATH : Source.EMBEDDED;
        Path binary = onPath != null ? onPath : embeddedBinary();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir;
            try {
                dir = Files.createTempDirectory("opswb-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                return new TestRedis(source, "127.0.0.1", freePort(), binary, dir);
            } catch (IllegalStateException e) { // the free port was taken in between: try another
                last = e;
                deleteTree(dir);
            }
        }
        throw Optional.ofNullable(last).orElseThrow();
    }

    /** Where this server came from. */
    public Source source() {
        return source;
    }

    /** The server's {@code redis_version}. */
    public String version() {
        return version;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code redis://host:port}. */
    public URI uri() {
        return URI.create("redis://" + host + ":" + port);
    }

    /** One line for logs and reports: the source, version and address. */
    public String describe() {
        return "redis-server " + version + " (" + switch (source) {
            case URL -> "REDIS_URL";
            case PATH -> "from PATH: " + binary;
            case EMBEDDED -> "bundled in embedded-redis: " + binary;
        } + ") on " + host + ":" + port;
    }

    /** Whether the server answers {@code PING}. */
    public boolean isRunning() {
        try (RespClient client = new RespClient(host, port, Duration.ofSeconds(2))) {
            return "PONG".equals(client.call("PING"));
        } catch (IOException | RespClient.Error e) {
            return false;
        }
    }

    /**
     * Stops the server (an outage): {@code SHUTDOWN NOSAVE}, then waits until its process is gone and the port
     * refuses connections. Connections clients hold are closed by the server. Aborts the test with
     * {@code REDIS_URL}.
     */
    public synchronized void stop() {
        requireOwnServer("stop");
        Process running = process;
        if (running == null) {
            return;
        }
        try (RespClient client = new RespClient(host, port, IO_TIMEOUT)) {
            client.send("SHUTDOWN", "NOSAVE");
            client.read(); // the server closes the connection: EOF
        } catch (IOException | RespClient.Error expected) {
            // EOF is the normal answer; a server already gone is stopped as well
        }
        try {
            if (!running.waitFor(10, TimeUnit.SECONDS)) {
                running.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Processes.releasedByFixture(running.pid());
        LeakCheck.releasedByFixture(processDescriptors);
        process = null;
        Thread hook = killOnExit;
        killOnExit = null;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it finds the process gone
            }
        }
    }

    /** Starts the server again on the same port (an empty database: nothing is saved), after {@link #stop()}. */
    public synchronized void restart() {
        requireOwnServer("restart");
        if (process == null) {
            start();
        }
    }

    /** Deletes every key of every database ({@code FLUSHALL}). */
    public void flushAll() {
        call("FLUSHALL");
    }

    /** Resets the counters that {@code INFO commandstats} and {@code INFO stats} report ({@code CONFIG RESETSTAT}). */
    public void resetStats() {
        call("CONFIG", "RESETSTAT");
    }

    /**
     * Calls per command since the last {@link #resetStats()}, from {@code INFO commandstats}: lower-case names as the
     * server prints them ({@code get}, {@code mget}, {@code client|setinfo} on Redis 7).
     */
    public Map<String, Long> commandCalls() {
        Map<String, Long> calls = new LinkedHashMap<>();
        info("commandstats").forEach((k, v) -> {
            if (k.startsWith("cmdstat_")) {
                Matcher m = Pattern.compile("calls=(\\d+)").matcher(v);
                if (m.find()) {
                    calls.put(k.substring("cmdstat_".length()), Long.parseLong(m.group(1)));
                }
            }
        });
        return calls;
    }

    /** Calls of one command (lower case, e.g. {@code "get"}) since the last {@link #resetStats()}; 0 if none. */
    public long calls(String command) {
        return commandCalls().getOrDefault(command.toLowerCase(Locale.ROOT), 0L);
    }

    /** One {@code INFO} section as field → value ({@code "stats"}, {@code "clients"}, {@code "commandstats"}...). */
    public Map<String, String> info(String section) {
        Object reply = call("INFO", section);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : String.valueOf(reply).lines().toList()) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    /**
     * The client connections the server has now ({@code CLIENT LIST}, one map of fields per connection), without the
     * fixture's own connection that asks.
     */
    public List<Map<String, String>> clients() {
        try (RespClient client = new RespClient(host, port, IO_TIMEOUT)) {
            String self = String.valueOf(client.call("CLIENT", "ID"));
            List<Map<String, String>> clients = new ArrayList<>();
            for (String line : String.valueOf(client.call("CLIENT", "LIST")).lines().toList()) {
                Map<String, String> fields = new LinkedHashMap<>();
                for (String field : line.trim().split(" ", -1)) {
                    int eq = field.indexOf('=');
                    if (eq > 0) {
                        fields.put(field.substring(0, eq), field.substring(eq + 1));
                    }
                }
                if (!fields.isEmpty() && !self.equals(fields.get("id"))) {
                    clients.add(fields);
                }
            }
            return clients;
        } catch (IOException e) {
            throw new UncheckedIOException("CLIENT LIST on " + host + ":" + port, e);
        }
    }

    /** Runs one command and returns its reply (String, Long, List or null); an error reply throws. */
    public @Nullable Object call(String... args) {
        try (RespClient client = new RespClient(host, port, IO_TIMEOUT)) {
            return client.call(args);
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", args) + " on " + host + ":" + port, e);
        }
    }

    /** Stops a server this fixture started and deletes its directory; leaves a {@code REDIS_URL} server alone. */
    @Override
    public void close() {
        if (binary != null) {
            stop();
        }
        if (dir != null) {
            deleteTree(dir);
        }
    }

    private void requireOwnServer(String what) {
        Assumptions.assumeTrue(source != Source.URL,
                "cannot " + what + " a REDIS_URL server: unset REDIS_URL to let the fixture start its own");
    }

    private void start() {
        Path bin = java.util.Objects.requireNonNull(binary);
        Path home = java.util.Objects.requireNonNull(dir);
        Path log = home.resolve("redis.log");
        Process started;
        Map<Integer, String> before = LeakCheck.openDescriptors();
        try {
            // Not daemonized: this JVM stays its parent and reaps it (a container's PID 1 may not reap orphans).
            // Processes.ownedByFixture keeps it out of LeakCheck's view of the test's child processes.
            started = new ProcessBuilder(bin.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", home.toString(), "--daemonize", "no",
                    "--protected-mode", "no").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + bin, e);
        }
        Processes.ownedByFixture(started.pid());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!isRunning()) {
            if (!started.isAlive() || System.nanoTime() > deadline) {
                started.destroyForcibly();
                Processes.releasedByFixture(started.pid());
                throw new IllegalStateException("redis-server did not start on port " + port + ": " + tail(log));
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // a fixture polling a process, not a test
        }
        process = started;
        Map<Integer, String> pipes = new java.util.HashMap<>(LeakCheck.openDescriptors());
        pipes.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())) || !e.getValue().startsWith("pipe:"));
        processDescriptors = Map.copyOf(pipes);
        LeakCheck.ownedByFixture(processDescriptors);
        Thread hook = new Thread(started::destroyForcibly, "opswb-redis-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        killOnExit = hook;
    }


    private static String tail(Path file) {
        try {
            String text = Files.exists(file) ? Files.readString(file) : "";
            return text.length() > 600 ? text.substring(text.length() - 600) : text;
        } catch (IOException e) {
            return "";
        }
    }


    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code redis-server} from PATH (or the sbin folders) when its version is 6.2 or newer. */
    private static @Nullable Path redisServerOnPath() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/usr/local/bin"));
        for (String d : dirs) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, "redis-server");
            if (Files.isExecutable(candidate) && atLeast62(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean atLeast62(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                return false;
            }
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            return major > 6 || (major == 6 && minor >= 2);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The embedded-redis binary for this OS and CPU, extracted once (atomically) under java.io.tmpdir. */
    private static Path embeddedBinary() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String name;
        if (os.contains("linux")) {
            name = switch (arch) {
                case "amd64", "x86_64" -> "redis-server-6.2.6-v5-linux-amd64";
                case "aarch64", "arm64" -> "redis-server-6.2.7-linux-arm64";
                default -> "redis-server-6.2.7-linux-386";
            };
        } else if (os.contains("mac")) {
            name = arch.contains("aarch64") || arch.contains("arm") ? "redis-server-6.2.6-v5-darwin-arm64"
                    : "redis-server-6.2.6-v5-darwin-amd64";
        } else {
            throw new IllegalStateException("no bundled redis-server for " + os + "/" + arch
                    + ": install redis-server 6.2+ or set REDIS_URL");
        }
        try (InputStream in = TestRedis.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath (com.github.codemonstur:embedded-redis):"
                        + " install redis-server 6.2+ or set REDIS_URL");
            }
            byte[] bytes = in.readAllBytes();
            Path target = Path.of(System.getProperty("java.io.tmpdir"), "opswb-redis-bin", name + "-" + bytes.length);
            if (!Files.isExecutable(target)) {
                Files.createDirectories(target.getParent());
                Path part = Files.createTempFile(target.getParent(), name, ".part");
                Files.write(part, bytes);
                Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("extracting " + name, e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temp dir: best effort
        }
    }
}
