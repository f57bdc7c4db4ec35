package dev.opsworkbook.health;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The composition root: reads the command line, builds the checks and the service by hand (constructor injection,
 * nothing static), serves until SIGTERM or SIGINT, drains, and exits 0.
 */
public final class HealthMain {

    private static final Logger log = LoggerFactory.getLogger(HealthMain.class);

    private HealthMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("usage error: " + e.getMessage());
            System.err.println("usage: HealthMain [--port N] [--version V] [--http-url URL] [--tcp HOST:PORT]"
                    + " [--redis HOST:PORT] [--disk PATH] [--check-timeout D] [--cache-interval D] [--max-staleness D]"
                    + " [--drain-period D] [--drain-deadline D] [--NAME VALUE]...");
            System.exit(2);
            return;
        }
        Settings defaults = Settings.defaults();
        Duration timeout = duration(options, "check-timeout", Duration.ofSeconds(1));
        Duration interval = duration(options, "cache-interval", defaults.cacheInterval());
        Settings settings = defaults
                .withPort(Integer.parseInt(options.getOrDefault("port", "8080")))
                .withVersion(options.getOrDefault("version", defaults.version()))
                .withCache(interval, duration(options, "max-staleness", interval.multipliedBy(6)))
                .withDrain(duration(options, "drain-period", defaults.drainPeriod()),
                        duration(options, "drain-deadline", defaults.drainDeadline()))
                .withConfig(options);

        CountDownLatch stop = new CountDownLatch(1);
        // A handler instead of a shutdown hook: the drain runs on the main thread and the exit code is ours (0),
        // not the 143 of a JVM killed by a signal.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
             HealthService service = HealthService.start(settings, checks(options, timeout, client))) {
            log.atInfo().addKeyValue("port", service.port()).addKeyValue("version", settings.version())
                    .log("listening");
            stop.await();
        }
        System.exit(0);
    }

    private static List<HealthCheck> checks(Map<String, String> options, Duration timeout, HttpClient client) {
        List<HealthCheck> checks = new ArrayList<>();
        if (options.containsKey("http-url")) {
            checks.add(new HttpDependencyCheck("http", true, timeout, client, URI.create(options.get("http-url"))));
        }
        if (options.containsKey("tcp")) {
            checks.add(new TcpPortCheck("tcp", true, timeout, address(options.get("tcp"))));
        }
        if (options.containsKey("redis")) {
            checks.add(new RedisHealthCheck("redis", false, timeout, address(options.get("redis"))));
        }
        if (options.containsKey("disk")) {
            checks.add(new DiskSpaceCheck("disk", false, timeout, Path.of(options.get("disk")), 64L << 20, 512L << 20));
        }
        return checks;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || args[i].length() < 3 || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --NAME VALUE pairs, got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static Duration duration(Map<String, String> options, String name, Duration fallback) {
        String value = options.get(name);
        return value == null ? fallback : Duration.parse(value);
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
