package dev.opsworkbook.config;

import com.typesafe.config.ConfigBeanFactory;
import com.typesafe.config.ConfigFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loading a generated 1,000-key configuration (100 services of 10 keys each) from a file. Methods are named
 * {@code <scenario>_<impl>}; impls starting with {@code baseline} are what the report divides by.
 *
 * <ul>
 *   <li>{@code load1000_configLoader}: read, parse, bind to records, validate every value (Bean Validation), build
 *       the effective config. The work a learner's loader does.</li>
 *   <li>{@code load1000_baselineLightbend}: Lightbend (Typesafe) Config reading the same data as JSON and binding
 *       it to JavaBeans with {@code ConfigBeanFactory}: no validation, no provenance, no masking.</li>
 *   <li>{@code load1000_baselineSnakeYamlCompose}: SnakeYAML Engine reading and composing the same YAML into
 *       nodes, the floor: any loader built on it does at least this.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConfigLoaderBenchmark {

    static final int SERVICES = 100;

    /** The benchmark's configuration: 100 services x 10 keys. */
    public record Fleet(List<@Valid Service> services) {
    }

    public enum Mode { FAST, SAFE }

    public record Service(@NotBlank String name, @NotBlank String host, @Min(1) @Max(65535) int port,
                          Duration timeout, @Min(0) int retries, double weight, boolean enabled, Mode mode,
                          List<String> tags, Secret token) {
    }

    private Path dir;
    private Path yaml;
    private Path json;

    @Setup
    public void setUp() throws IOException {
        silenceLogging();
        dir = Files.createTempDirectory("ex06-bench");
        StringBuilder y = new StringBuilder("services:\n");
        StringBuilder j = new StringBuilder("{\"services\":[");
        for (int i = 0; i < SERVICES; i++) {
            y.append("  - name: svc-").append(i).append('\n')
                    .append("    host: host-").append(i).append(".internal\n")
                    .append("    port: ").append(8000 + i).append('\n')
                    .append("    timeout: ").append(100 + i).append("ms\n")
                    .append("    retries: ").append(i % 5).append('\n')
                    .append("    weight: 0.").append(i % 10).append('\n')
                    .append("    enabled: ").append(i % 2 == 0).append('\n')
                    .append("    mode: ").append(i % 2 == 0 ? "FAST" : "SAFE").append('\n')
                    .append("    tags: [a").append(i).append(", b").append(i).append("]\n")
                    .append("    token: t0k3n-").append(i).append('\n');
            j.append(i == 0 ? "" : ",").append("{\"name\":\"svc-").append(i).append("\",\"host\":\"host-").append(i)
                    .append(".internal\",\"port\":").append(8000 + i).append(",\"timeout\":\"").append(100 + i)
                    .append("ms\",\"retries\":").append(i % 5).append(",\"weight\":0.").append(i % 10)
                    .append(",\"enabled\":").append(i % 2 == 0).append(",\"mode\":\"").append(i % 2 == 0 ? "FAST" : "SAFE")
                    .append("\",\"tags\":[\"a").append(i).append("\",\"b").append(i).append("\"],\"token\":\"t0k3n-")
                    .append(i).append("\"}");
        }
        j.append("]}");
        yaml = Files.writeString(dir.resolve("fleet.yaml"), y);
        json = Files.writeString(dir.resolve("fleet.json"), j);
        // Fail loudly instead of timing something broken.
        int bound = load1000_configLoader().config().services().size();
        int beans = load1000_baselineLightbend().getServices().size();
        if (bound != SERVICES || beans != SERVICES) {
            throw new IllegalStateException("bound " + bound + " and " + beans + " services, expected " + SERVICES);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(yaml);
        Files.deleteIfExists(json);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public Loaded<Fleet> load1000_configLoader() {
        return ConfigLoader.of(Fleet.class).env(Map.of()).file(yaml).load();
    }

    @Benchmark
    public FleetBean load1000_baselineLightbend() {
        return ConfigBeanFactory.create(ConfigFactory.parseFile(json.toFile()).resolve(), FleetBean.class);
    }

    @Benchmark
    public Optional<Node> load1000_baselineSnakeYamlCompose() {
        try {
            String text = Files.readString(yaml, StandardCharsets.UTF_8);
            return new Compose(LoadSettings.builder().build()).composeString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JavaBean ConfigBeanFactory binds to (it cannot build records). */
    public static class FleetBean {
        private List<ServiceBean> services = new ArrayList<>();

        public List<ServiceBean> getServices() {
            return services;
        }

        public void setServices(List<ServiceBean> services) {
            this.services = services;
        }
    }

    /** One service as a JavaBean. */
    public static class ServiceBean {
        private String name;
        private String host;
        private int port;
        private Duration timeout;
        private int retries;
        private double weight;
        private boolean enabled;
        private Mode mode;
        private List<String> tags;
        private String token;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public int getRetries() {
            return retries;
        }

        public void setRetries(int retries) {
            this.retries = retries;
        }

        public double getWeight() {
            return weight;
        }

        public void setWeight(double weight) {
            this.weight = weight;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public List<String> getTags() {
            return tags;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }
    }

    /** Keeps the log events, drops their output (the default Logback setup prints every DEBUG line). */
    private static void silenceLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAndStopAllAppenders();
            root.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }
}
