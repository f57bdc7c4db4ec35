package dev.opsworkbook.config;

import static dev.opsworkbook.testing.Stubs.rethrowIfChildHitStub;
import static dev.opsworkbook.testing.Stubs.thrownBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opsworkbook.config.AppConfig.LogLevel;
import dev.opsworkbook.config.elsewhere.Elsewhere;
import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import dev.opsworkbook.testing.ChildJvm;
import dev.opsworkbook.testing.LeakCheck;
import dev.opsworkbook.testing.SecretCanary;
import dev.opsworkbook.testing.Wording;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grading suite of ex06 config-loader. Every test writes real YAML files into a temporary directory and
 * hands the loader an explicit environment map (never this JVM's), except the command-line tests, which run
 * {@link ConfigMain} in a child JVM with a real environment. A canary secret is planted in many tests; after
 * every test, {@link SecretCanary} checks that it appears in no stdout, stderr, log event or inspected exception.
 */
@DisplayName("ex06 config-loader: layered, validated configuration that never prints a secret")
@ExtendWith(LeakCheck.class)
// Whichever test runs first pays the JVM's warm-up (class loading, Hibernate Validator's bootstrap): up to 6.6 s measured
// with stress-ng --cpu 2 at load 15, half the kit's default of 10 s. The child-JVM tests set 60 s of their own.
@Timeout(30)
class ConfigLoaderTest {

    /** The planted secret: no output, log event or message may ever contain it. */
    static final String CANARY = "canary-7Hq2xV9pLm";

    @RegisterExtension
    final SecretCanary canary = SecretCanary.of(CANARY);

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------------ test records

    enum Mode { FAST, SAFE }

    /** Every value type of the contract, one component each. */
    record Kitchen(String name, int workers, long maxBytes, double ratio, boolean enabled, Mode mode,
                   Duration timeout, Path dataDir, URI endpoint, List<String> tags, List<Integer> ports,
                   Secret apiKey) {
    }

    record Upstream(@NotBlank String url, @Min(1) int weight) {
        static Upstream defaults() {
            return new Upstream("http://localhost", 1);
        }
    }

    record Pool(List<@Valid Upstream> upstreams, Retry retry) {
        static Pool defaults() {
            return new Pool(List.of(new Upstream("http://a", 5)), new Retry(3, Duration.ofMillis(100)));
        }
    }

    record Retry(@Min(0) int attempts, Duration backoff) {
        static Retry defaults() {
            return new Retry(9, Duration.ofSeconds(9));
        }
    }

    /** Defaults that break the record's own constraint: validation applies to defaults too. */
    record Limits(@Min(1) int workers, String name) {
        static Limits defaults() {
            return new Limits(0, "limits");
        }
    }

    /** An old-style secret name: a name ending with passwd is secret. */
    record Legacy(String ldapPasswd, String ldapUser) {
    }

    /** A record without defaults(): nothing has a default. */
    record Bare(int port, String name) {
    }

    /** Booleans set by switches: flags with no value. */
    record Switches(boolean verbose, boolean dryRun, int port) {
    }

    /** Secrets by name, not by type. */
    record Client(String user, @Size(min = 40) String apiToken, String clientSecret, List<String> signingKeys,
                  URI credentialsUrl, int tokenTtl) {
        static Client defaults() {
            return new Client("svc", "t".repeat(40), "s", List.of(), URI.create("https://vault/creds"), 60);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Path yaml(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    /** A loader that reads no real environment: every test says what the environment holds. */
    private static <R extends Record> ConfigLoader<R> loader(Class<R> type) {
        return ConfigLoader.of(type).env(Map.of());
    }

    private static Map<String, String> env(String... nameValuePairs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            env.put(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return env;
    }

    /** What load() threw, which must be a ConfigException; handed to the canary check. */
    private ConfigException failure(ConfigLoader<?> loader, String situation) {
        ConfigException e = thrownBy(ConfigException.class, loader::load, situation);
        canary.inspect("the ConfigException of " + situation, e);
        e.problems().forEach(p -> canary.inspect("the ConfigProblem " + p.key(), p));
        return e;
    }

    private <R extends Record> Loaded<R> loads(ConfigLoader<R> loader, String situation) {
        try {
            return loader.load();
        } catch (ConfigException e) {
            canary.inspect("the ConfigException of " + situation, e);
            throw new AssertionError(situation + ": expected the configuration to load, but load() threw\n"
                    + e.getMessage(), e);
        }
    }

    /** The problem about {@code key}; fails listing all problems if there is none. */
    private static ConfigProblem problem(ConfigException e, String key) {
        return e.problems().stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("expected a problem with key '" + key + "', but the problems"
                        + " were:\n  " + e.problems().stream().map(ConfigProblem::toString)
                        .collect(Collectors.joining("\n  "))));
    }

    /** The problem whose key is {@code ""} (a whole-file problem). */
    private static ConfigProblem fileProblem(ConfigException e) {
        return problem(e, "");
    }

    private static ConfigEntry entry(Loaded<?> loaded, String key) {
        return loaded.effective().entry(key).orElseThrow(() -> new AssertionError("the effective config has no key '"
                + key + "'; its keys: " + loaded.effective().entries().stream().map(ConfigEntry::key).toList()));
    }

    private static Source.File at(Path file, int line, int column) {
        return new Source.File(file, line, column);
    }

    /**
     * The effective config of {@link #VALID_APP} written to {@code file}, sorted by key, with {@code overrides} in
     * place of the entries with their keys.
     */
    private static List<ConfigEntry> validAppEntries(Path file, ConfigEntry... overrides) {
        Map<String, ConfigEntry> byKey = new TreeMap<>();
        for (ConfigEntry e : List.of(
                new ConfigEntry("database.connect-timeout", "PT5S", Source.DEFAULT),
                new ConfigEntry("database.max-pool-size", "10", Source.DEFAULT),
                new ConfigEntry("database.password", "***", at(file, 6, 13)),
                new ConfigEntry("database.url", "postgres://db:5432/app", at(file, 5, 8)),
                new ConfigEntry("database.user", "app", Source.DEFAULT),
                new ConfigEntry("features", "[]", Source.DEFAULT),
                new ConfigEntry("log-level", "INFO", Source.DEFAULT),
                new ConfigEntry("server.host", "127.0.0.1", at(file, 2, 9)),
                new ConfigEntry("server.port", "8081", at(file, 3, 9)),
                new ConfigEntry("server.shutdown-timeout", "PT30S", Source.DEFAULT))) {
            byKey.put(e.key(), e);
        }
        for (ConfigEntry o : overrides) {
            byKey.put(o.key(), o);
        }
        return List.copyOf(byKey.values());
    }

    private static final String[] VALID_APP = {
        "server:",
        "  host: 127.0.0.1",
        "  port: 8081",
        "database:",
        "  url: postgres://db:5432/app",
        "  password: " + CANARY,
    };

    // ================================================================================================ task 1
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: bind a YAML file to records")
    class BindAFile {

        @Test
        @Points(4)
        @Hint("Walk the record's components (Class.getRecordComponents()) and convert each YAML scalar's text by"
                + " the component's type; build the record with its canonical constructor.")
        @DisplayName("every value type of the contract binds from YAML: numbers, booleans, enums, durations, paths,"
                + " URIs, lists, secrets")
        void everyValueTypeBinds() throws IOException {
            Path file = yaml("kitchen.yaml",
                    "name: main",
                    "workers: 8",
                    "maxBytes: 10000000000",
                    "ratio: 0.75",
                    "enabled: true",
                    "mode: SAFE",
                    "timeout: 1500ms",
                    "dataDir: /var/lib/kitchen",
                    "endpoint: https://example.test/api",
                    "tags: [blue, green]",
                    "ports:",
                    "  - 80",
                    "  - 443",
                    "apiKey: " + CANARY);

            Kitchen k = loads(loader(Kitchen.class).file(file), "loading kitchen.yaml").config();

            assertThat(k).as("the bound record").isEqualTo(new Kitchen("main", 8, 10_000_000_000L, 0.75, true,
                    Mode.SAFE, Duration.ofMillis(1500), Path.of("/var/lib/kitchen"),
                    URI.create("https://example.test/api"), List.of("blue", "green"), List.of(80, 443),
                    Secret.of(CANARY)));
        }

        static Stream<Arguments> durations() {
            return Stream.of(Arguments.of("30s", Duration.ofSeconds(30)), Arguments.of("500ms", Duration.ofMillis(500)),
                    Arguments.of("2m", Duration.ofMinutes(2)), Arguments.of("3h", Duration.ofHours(3)),
                    Arguments.of("1d", Duration.ofDays(1)), Arguments.of("PT30S", Duration.ofSeconds(30)),
                    Arguments.of("PT1M30S", Duration.ofSeconds(90)), Arguments.of("0s", Duration.ZERO));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("durations")
        @Points(2)
        @Hint("A number followed by ms, s, m, h or d; anything else goes to Duration.parse (ISO-8601, PT30S).")
        @DisplayName("durations are written as 30s, 500ms, 2m, 3h, 1d or ISO-8601")
        void durationsInAllForms(String text, Duration expected) throws IOException {
            Path file = yaml("retry.yaml", "backoff: " + text);

            Retry r = loads(loader(Retry.class).file(file), "loading backoff: " + text).config();

            assertThat(r.backoff()).as("backoff: %s", text).isEqualTo(expected);
        }

        @Test
        @Points(3)
        @Hint("The target type decides what a scalar means, not YAML 1.1's implicit typing: `no` for a String is the"
                + " text \"no\", `1.10` is \"1.10\". Read each scalar's text, not the object a YAML loader made.")
        @DisplayName("the Norway problem: no, off, yes, 1.10 and 0755 stay text for a String; a boolean takes"
                + " yes/no/on/off")
        void scalarTextIsKeptForStrings() throws IOException {
            Path file = yaml("kitchen.yaml",
                    "name: no",
                    "tags: [off, yes, NO, 1.10, 0755, ~x, 'null']",
                    "enabled: off");
            Path file2 = yaml("kitchen2.yaml", "enabled: Yes");

            Kitchen k = loads(loader(Kitchen.class).file(file).args("--workers=1", "--max-bytes=1", "--ratio=1",
                    "--mode=fast", "--timeout=1s", "--data-dir=/", "--endpoint=x:y", "--ports=1", "--api-key=k"),
                    "loading kitchen.yaml").config();
            Kitchen k2 = loads(loader(Kitchen.class).file(file2).args("--name=n", "--workers=1", "--max-bytes=1",
                    "--ratio=1", "--mode=fast", "--timeout=1s", "--data-dir=/", "--endpoint=x:y", "--tags=a",
                    "--ports=1", "--api-key=k"), "loading kitchen2.yaml").config();

            assertThat(k.name()).as("name: no (a String)").isEqualTo("no");
            assertThat(k.tags()).as("tags: [off, yes, NO, 1.10, 0755, ~x, 'null'] (a List<String>)")
                    .containsExactly("off", "yes", "NO", "1.10", "0755", "~x", "null");
            assertThat(k.enabled()).as("enabled: off (a boolean)").isFalse();
            assertThat(k2.enabled()).as("enabled: Yes (a boolean)").isTrue();
            assertThat(k.mode()).as("--mode=fast (enum constants match ignoring case)").isEqualTo(Mode.FAST);
        }

        @Test
        @Points(3)
        @Hint("Names match ignoring case, '-' and '_': normalize both sides (maxPoolSize, max-pool-size and"
                + " max_pool_size are one key).")
        @DisplayName("YAML keys match in camelCase, kebab-case or snake_case; nested records bind from nested"
                + " mappings")
        void keySpellings() throws IOException {
            Path file = yaml("app.yaml",
                    "server:",
                    "  shutdown-timeout: 10s",
                    "database:",
                    "  maxPoolSize: 20",
                    "  connect_timeout: 2s",
                    "  password: " + CANARY,
                    "log-level: debug");

            AppConfig app = loads(loader(AppConfig.class).file(file), "loading app.yaml").config();

            assertThat(app.server().shutdownTimeout()).as("server.shutdown-timeout").isEqualTo(Duration.ofSeconds(10));
            assertThat(app.database().maxPoolSize()).as("database.maxPoolSize").isEqualTo(20);
            assertThat(app.database().connectTimeout()).as("database.connect_timeout").isEqualTo(Duration.ofSeconds(2));
            assertThat(app.logLevel()).as("log-level: debug").isEqualTo(LogLevel.DEBUG);
        }

        @Test
        @Points(1)
        @Hint("An application's records live in its own packages and are rarely public: call setAccessible(true) on"
                + " the canonical constructor, the accessors and defaults() before you use them (or unreflect them"
                + " through a lookup that may).")
        @DisplayName("a package-private record in another package binds too, with its nested records, list elements"
                + " and defaults()")
        void recordInAnotherPackage() throws IOException {
            Path file = yaml("elsewhere.yaml",
                    "name: billing",
                    "items:",
                    "  - id: a");
            Loaded<? extends Record> loaded = loads(ConfigLoader.of(Elsewhere.appType()).env(Map.of()).file(file),
                    "loading a package-private record of package dev.opsworkbook.config.elsewhere");
            assertThat(entry(loaded, "name").value()).as("name, from the file").isEqualTo("billing");
            assertThat(entry(loaded, "items[0].id").value()).as("items[0].id, from the file").isEqualTo("a");
            assertThat(entry(loaded, "inner.port")).as("inner.port, from the record's package-private defaults()")
                    .isEqualTo(new ConfigEntry("inner.port", "8080", Source.DEFAULT));
            assertThat(loaded.config().toString()).as("the bound record").contains("billing", "8080");
        }

        /** Components the contract does not allow. */
        record WithMap(String name, Map<String, String> labels) {
        }

        record WithObject(Object anything) {
        }

        record WithArrayList(List<int[]> masks) {
        }

        record WithBadNested(String name, WithMap nested) {
        }

        @Test
        @Points(1)
        @Hint("Check every component's type when ConfigLoader.of is called, into nested records and list elements,"
                + " and throw IllegalArgumentException for one the contract does not allow (a Map, an Object, a List"
                + " of arrays...).")
        @DisplayName("ConfigLoader.of throws IllegalArgumentException for a record with a component it cannot hold:"
                + " a Map, an Object, a List of arrays, also in a nested record")
        void unsupportedComponents() {
            for (Class<? extends Record> type : List.of(WithMap.class, WithObject.class, WithArrayList.class,
                    WithBadNested.class)) {
                thrownBy(IllegalArgumentException.class, () -> ConfigLoader.of(type),
                        "ConfigLoader.of(" + type.getSimpleName() + ".class)");
            }
        }

        @Test
        @Points(4)
        @Hint("Defaults come from the record's static defaults() method; a nested record without a default from its"
                + " parent takes its own type's defaults(), and so does each element of a list of records.")
        @DisplayName("defaults come from defaults(): the parent's, else the nested type's; list elements start from"
                + " their type's defaults")
        void defaults() throws IOException {
            Path empty = yaml("empty.yaml", "# nothing set here");
            Path elements = yaml("pool.yaml",
                    "upstreams:",
                    "  - url: http://b",
                    "  - weight: 7");

            Path blanks = yaml("blanks.yaml",
                    "upstreams:",
                    "retry:",
                    "  attempts: NULL",
                    "  backoff: ~");

            Pool pool = loads(loader(Pool.class).file(empty), "loading a file with only a comment").config();
            Pool unset = loads(loader(Pool.class).file(blanks), "loading blanks.yaml (keys without values)").config();
            Pool fromFile = loads(loader(Pool.class).file(elements), "loading pool.yaml").config();
            Bare bare = loads(loader(Bare.class).args("--port=1", "--name=x"), "loading Bare with flags").config();

            assertThat(pool).as("Pool from a file with nothing in it: Pool.defaults()").isEqualTo(Pool.defaults());
            assertThat(unset).as("Pool from keys whose values are empty, NULL or ~ (they set nothing)")
                    .isEqualTo(Pool.defaults());
            assertThat(fromFile.upstreams()).as("upstreams: [{url: http://b}, {weight: 7}]; each element starts from"
                    + " Upstream.defaults()").containsExactly(new Upstream("http://b", 1),
                    new Upstream("http://localhost", 7));
            assertThat(fromFile.retry()).as("retry, not in the file: from Pool.defaults(), not Retry.defaults()")
                    .isEqualTo(new Retry(3, Duration.ofMillis(100)));
            assertThat(bare).as("a record without defaults(), set by flags").isEqualTo(new Bare(1, "x"));
        }

        @Test
        @Points(4)
        @Hint("Record where each value came from while you bind: for a file, the position of the value's node"
                + " (SnakeYAML marks count from 0; the contract counts from 1).")
        @DisplayName("the effective config lists every key, sorted, with its value and its source: default or"
                + " file:line:column")
        void effectiveConfigFromFile() throws IOException {
            Path file = yaml("app.yaml", VALID_APP);

            Loaded<AppConfig> loaded = loads(loader(AppConfig.class).file(file), "loading app.yaml");

            assertThat(loaded.effective().entries()).as("the effective config of app.yaml")
                    .containsExactlyElementsOf(validAppEntries(file));
            assertThat(at(file, 3, 9)).as("Source.File's text").hasToString("app.yaml:3:9");
        }

        @Test
        @Points(2)
        @Hint("Each element of a list of records gets keys with its index: upstreams[0].url.")
        @DisplayName("list-of-record elements appear in the effective config as upstreams[0].url, with their"
                + " positions")
        void listElementsInEffectiveConfig() throws IOException {
            Path file = yaml("pool.yaml",
                    "upstreams:",
                    "  - url: http://b",
                    "    weight: 2");

            Loaded<Pool> loaded = loads(loader(Pool.class).file(file), "loading pool.yaml");
            Loaded<Pool> defaults = loads(loader(Pool.class), "loading Pool with no sources");

            assertThat(entry(loaded, "upstreams[0].url")).as("upstreams[0].url")
                    .isEqualTo(new ConfigEntry("upstreams[0].url", "http://b", at(file, 2, 10)));
            assertThat(entry(loaded, "upstreams[0].weight")).as("upstreams[0].weight")
                    .isEqualTo(new ConfigEntry("upstreams[0].weight", "2", at(file, 3, 13)));
            assertThat(entry(defaults, "upstreams[0].url")).as("upstreams[0].url of the default list")
                    .isEqualTo(new ConfigEntry("upstreams[0].url", "http://a", Source.DEFAULT));
            assertThat(entry(defaults, "retry.attempts")).as("retry.attempts")
                    .isEqualTo(new ConfigEntry("retry.attempts", "3", Source.DEFAULT));
        }
    }

    // ================================================================================================ task 2
    @Nested
    @Tag("task:2")
    @DisplayName("Task 2: layer the environment and flags over the file")
    class Layers {

        static Stream<Arguments> precedence() {
            List<Arguments> cases = new ArrayList<>();
            for (int mask = 0; mask < 8; mask++) {
                boolean file = (mask & 1) != 0;
                boolean env = (mask & 2) != 0;
                boolean flag = (mask & 4) != 0;
                String name = (file ? "file " : "") + (env ? "env " : "") + (flag ? "flag " : "");
                cases.add(Arguments.of(name.isEmpty() ? "default only" : "default, " + name.strip().replace(" ", ", "),
                        file, env, flag));
            }
            return cases.stream();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("precedence")
        @Points(8)
        @Hint("For each key, take the value of the highest source that sets it: flag, then env, then file, then the"
                + " default. The effective config's source is that source.")
        @DisplayName("precedence for one key: flag > env > file > default, in every combination")
        void precedenceMatrix(String what, boolean file, boolean env, boolean flag) throws IOException {
            Path app = yaml("app.yaml", "server:", "  port: 8081", "database:", "  password: " + CANARY);
            ConfigLoader<AppConfig> loader = ConfigLoader.of(AppConfig.class);
            loader.env(env ? env("APP_SERVER__PORT", "8082", "APP_DATABASE__PASSWORD", CANARY)
                    : env("APP_DATABASE__PASSWORD", CANARY));
            if (file) {
                loader.file(app);
            }
            if (flag) {
                loader.args("--server.port=8083");
            }
            int expected = flag ? 8083 : env ? 8082 : file ? 8081 : 8080;
            Source source = flag ? new Source.Flag("--server.port") : env ? new Source.Env("APP_SERVER__PORT")
                    : file ? at(app, 2, 9) : Source.DEFAULT;

            Loaded<AppConfig> loaded = loads(loader, "loading with " + what);

            assertThat(loaded.config().server().port()).as("server.port with %s", what).isEqualTo(expected);
            assertThat(entry(loaded, "server.port")).as("the effective config's server.port with %s", what)
                    .isEqualTo(new ConfigEntry("server.port", Integer.toString(expected), source));
        }

        @Test
        @Points(4)
        @Hint("Merge leaf by leaf: an environment variable for server.port replaces that one value, not the whole"
                + " server section the file gave.")
        @DisplayName("sources merge key by key: an env var or a flag for one key keeps the file's other keys of the"
                + " same section")
        void keyByKeyMerge() throws IOException {
            Path app = yaml("app.yaml",
                    "server:",
                    "  host: files-host",
                    "  port: 8081",
                    "  shutdownTimeout: 5s",
                    "database:",
                    "  user: file-user",
                    "  maxPoolSize: 30",
                    "  password: " + CANARY);

            Loaded<AppConfig> loaded = loads(ConfigLoader.of(AppConfig.class).file(app)
                    .env(env("APP_SERVER__PORT", "9090", "APP_DATABASE__MAX_POOL_SIZE", "40"))
                    .args("--database.user", "flag-user", "--server.shutdown-timeout=1s"), "loading with overrides");

            AppConfig c = loaded.config();
            assertThat(c.server()).as("server: host from the file, port from env, shutdown timeout from a flag")
                    .isEqualTo(new AppConfig.Server("files-host", 9090, Duration.ofSeconds(1)));
            assertThat(c.database().user()).as("database.user from a flag").isEqualTo("flag-user");
            assertThat(c.database().maxPoolSize()).as("database.max-pool-size from env").isEqualTo(40);
            assertThat(c.database().password()).as("database.password from the file").isEqualTo(Secret.of(CANARY));
            assertThat(c.database().url()).as("database.url: the default").isEqualTo(URI.create("postgres://db:5432/app"));
            assertThat(entry(loaded, "server.host").source()).as("source of server.host").isEqualTo(at(app, 2, 9));
            assertThat(entry(loaded, "database.max-pool-size").source()).as("source of database.max-pool-size")
                    .isEqualTo(new Source.Env("APP_DATABASE__MAX_POOL_SIZE"));
            assertThat(entry(loaded, "database.user").source()).as("source of database.user (--database.user flag-user)")
                    .isEqualTo(new Source.Flag("--database.user"));
        }

        @Test
        @Points(4)
        @Hint("Strip the prefix, split the rest on \"__\" (two underscores) only; a single underscore stays in the"
                + " name, and names compare ignoring case and underscores; two variables for one key are a problem.")
        @DisplayName("environment names: prefix, __ nests, a single _ is part of the name, any case; other variables"
                + " are ignored; two for one key are a duplicate")
        void environmentNames() {
            Map<String, String> env = env(
                    "App_Database__Max_Pool_Size", "25",
                    "APP_DATABASE__PASSWORD", CANARY,
                    "APP_LOG_LEVEL", "warn",
                    "APP_FEATURES", "search, export,beta",
                    "APPLE", "1",
                    "PATH", "/usr/bin",
                    "SERVER__PORT", "1",
                    "SVC_SERVER__PORT", "1");

            Loaded<AppConfig> loaded = loads(ConfigLoader.of(AppConfig.class).env(env), "loading from the environment");
            Loaded<AppConfig> custom = loads(ConfigLoader.of(AppConfig.class).prefix("SVC_")
                    .env(env("SVC_SERVER__PORT", "7070", "APP_SERVER__PORT", "1", "SVC_DATABASE__PASSWORD", "x")),
                    "loading with prefix SVC_");

            assertThat(loaded.config().database().maxPoolSize()).as("App_Database__Max_Pool_Size=25").isEqualTo(25);
            assertThat(loaded.config().logLevel()).as("APP_LOG_LEVEL=warn").isEqualTo(LogLevel.WARN);
            assertThat(loaded.config().features()).as("APP_FEATURES='search, export,beta' (comma-separated, trimmed)")
                    .containsExactly("search", "export", "beta");
            assertThat(loaded.config().server().port()).as("server.port (no variable with the prefix sets it)")
                    .isEqualTo(8080);
            assertThat(entry(loaded, "database.max-pool-size").source()).as("source of database.max-pool-size")
                    .isEqualTo(new Source.Env("App_Database__Max_Pool_Size"));
            assertThat(custom.config().server().port()).as("SVC_SERVER__PORT with prefix SVC_").isEqualTo(7070);

            ConfigException twice = failure(ConfigLoader.of(AppConfig.class).env(env("APP_DATABASE__MAX_POOL_SIZE",
                    "20", "app_database__maxpoolsize", "30", "APP_DATABASE__PASSWORD", CANARY)),
                    "loading APP_DATABASE__MAX_POOL_SIZE=20 and app_database__maxpoolsize=30 (one key, two variables)");
            Wording.assertNames(problem(twice, "database.max-pool-size").message(), "the message of the problem for"
                    + " two variables naming database.max-pool-size", "duplicate");
        }

        @Test
        @Points(4)
        @Hint("A flag is --key=value, or --key followed by its value (the next argument, unless it starts with --:"
                + " -1 is a value); a flag with no value (the last argument, or followed by another flag) is true;"
                + " the key's segments are separated by dots. A list is comma-separated. --config FILE replaces the"
                + " file given to file(...).")
        @DisplayName("flags: --key=value and --key value, a flag with no value is true, lists comma-separated, and"
                + " --config FILE replaces file(...)")
        void flags() throws IOException {
            Path ignored = yaml("ignored.yaml", "server:", "  port: 1111");
            Path chosen = yaml("chosen.yaml", "server:", "  host: chosen-host", "database:", "  password: " + CANARY);

            Loaded<AppConfig> loaded = loads(loader(AppConfig.class).file(ignored).args(
                    "--server.port", "9000", "--database.max-pool-size=20", "--features=a,b", "--log-level", "ERROR",
                    "--config", chosen.toString()), "loading with flags");
            Loaded<AppConfig> equalsForm = loads(loader(AppConfig.class).args("--config=" + chosen,
                    "--database.url=postgres://x/y"), "loading with --config=FILE");

            AppConfig c = loaded.config();
            assertThat(c.server().port()).as("--server.port 9000").isEqualTo(9000);
            assertThat(c.database().maxPoolSize()).as("--database.max-pool-size=20").isEqualTo(20);
            assertThat(c.features()).as("--features=a,b").containsExactly("a", "b");
            assertThat(c.logLevel()).as("--log-level ERROR").isEqualTo(LogLevel.ERROR);
            assertThat(c.server().host()).as("server.host from chosen.yaml (--config), not ignored.yaml")
                    .isEqualTo("chosen-host");
            assertThat(entry(loaded, "server.port").source()).as("source of --server.port 9000")
                    .isEqualTo(new Source.Flag("--server.port"));
            assertThat(entry(loaded, "features").value()).as("the effective value of features").isEqualTo("[a, b]");
            assertThat(equalsForm.config().server().host()).as("server.host with --config=chosen.yaml")
                    .isEqualTo("chosen-host");
            assertThat(equalsForm.config().database().url()).as("--database.url=postgres://x/y (the value has ':' and"
                    + " '/')").isEqualTo(URI.create("postgres://x/y"));

            Loaded<Bare> dashed = loads(loader(Bare.class).args("--port", "-1", "--name", "-x"),
                    "loading '--port -1 --name -x' (values that start with one dash)");
            assertThat(dashed.config()).as("'--port -1 --name -x': the argument after a flag is its value unless it"
                    + " starts with --").isEqualTo(new Bare(-1, "-x"));

            Loaded<Switches> switches = loads(loader(Switches.class).args("--verbose", "--port=7", "--dry-run"),
                    "loading '--verbose --port=7 --dry-run' (flags with no value, first and last)");
            assertThat(switches.config()).as("'--verbose --port=7 --dry-run': a flag with no value is true, also as"
                    + " the first or the last argument").isEqualTo(new Switches(true, true, 7));
        }

        @Test
        @Points(2)
        @Hint("A list from the environment or a flag replaces the whole list; an empty value is an empty list.")
        @DisplayName("a list set by env or flag replaces the file's list; an empty value is an empty list")
        void listsReplace() throws IOException {
            Path app = yaml("app.yaml", "features: [x, y, z]", "database:", "  password: " + CANARY);

            AppConfig fromEnv = loads(ConfigLoader.of(AppConfig.class).file(app).env(env("APP_FEATURES", "q")),
                    "loading with APP_FEATURES=q").config();
            AppConfig empty = loads(loader(AppConfig.class).file(app).args("--features="),
                    "loading with --features=").config();

            assertThat(fromEnv.features()).as("features with APP_FEATURES=q over [x, y, z]").containsExactly("q");
            assertThat(empty.features()).as("features with --features= over [x, y, z]").isEmpty();
        }
    }

    // ================================================================================================ task 3
    @Nested
    @Tag("task:3")
    @DisplayName("Task 3: report every problem at once")
    class Problems {

        @Test
        @Points(3)
        @Hint("A value that does not convert is a ConfigProblem(key, source, value, \"expected an integer\"), and"
                + " loading goes on to the next key.")
        @DisplayName("a type error names the key, the expected type, the bad value and its file:line:column")
        void typeErrorFromFile() throws IOException {
            Path file = yaml("app.yaml",
                    "# the port is misspelt",
                    "server:",
                    "  port: eighty",
                    "database:",
                    "  password: " + CANARY);

            ConfigException e = failure(loader(AppConfig.class).file(file), "loading port: eighty");

            ConfigProblem p = problem(e, "server.port");
            assertThat(p.source()).as("source of the server.port problem").isEqualTo(at(file, 3, 9));
            assertThat(p.value()).as("value of the server.port problem").isEqualTo("eighty");
            Wording.assertNames(p.message(), "the message of the server.port problem", "integer");
            assertThat(e.getMessage()).as("the ConfigException's message")
                    .contains("server.port: " + p.message() + ", got \"eighty\" (app.yaml:3:9)");
        }

        @Test
        @Points(3)
        @Hint("Say what the type expects in words a person understands: an integer, a number, a boolean, one of"
                + " [FAST, SAFE], a duration, a URI, a list, a mapping.")
        @DisplayName("every type's error names what it expects, from every source")
        void everyTypeErrorNamesTheType() throws IOException {
            Path file = yaml("kitchen.yaml",
                    "name: [not, a, string]",
                    "tags: just-one",
                    "workers: 2.5",
                    "ports: [80, http]");

            ConfigException e = failure(loader(Kitchen.class).file(file)
                    .env(env("APP_RATIO", "three quarters", "APP_ENABLED", "maybe", "APP_MODE", "TURBO"))
                    .args("--max-bytes=1e9", "--timeout=30 seconds", "--endpoint=http://bad host/", "--data-dir=/",
                            "--api-key=" + CANARY), "loading a kitchen of type errors");

            Map<String, List<String>> expected = new LinkedHashMap<>();
            expected.put("name", List.of("string"));
            expected.put("tags", List.of("list"));
            expected.put("workers", List.of("integer"));
            expected.put("ports[1]", List.of("integer"));
            expected.put("max-bytes", List.of("integer"));
            expected.put("ratio", List.of("number"));
            expected.put("enabled", List.of("boolean"));
            expected.put("mode", List.of("one of", "FAST", "SAFE"));
            expected.put("timeout", List.of("duration"));
            expected.put("endpoint", List.of("URI"));
            expected.forEach((key, words) -> Wording.assertNames(problem(e, key).message(),
                    "the message of the " + key + " problem", words.toArray(String[]::new)));
            assertThat(problem(e, "ratio").source()).as("source of the ratio problem")
                    .isEqualTo(new Source.Env("APP_RATIO"));
            assertThat(problem(e, "timeout").source()).as("source of the timeout problem")
                    .isEqualTo(new Source.Flag("--timeout"));
            assertThat(problem(e, "ports[1]").source()).as("source of the ports[1] problem").isEqualTo(at(file, 4, 13));
            assertThat(problem(e, "mode").value()).as("value of the mode problem").isEqualTo("TURBO");
        }

        @Test
        @Points(3)
        @Hint("An unknown key is a problem in every source. Compare it with every known key (normalized: lower case,"
                + " no '-' or '_'); if one is at most 2 edits away, suggest the closest.")
        @DisplayName("unknown keys are problems in the file, the environment and the flags, with a did-you-mean"
                + " suggestion")
        void unknownKeys() throws IOException {
            Path file = yaml("app.yaml",
                    "server:",
                    "  prot: 80",
                    "database:",
                    "  password: " + CANARY);

            ConfigException e = failure(loader(AppConfig.class).file(file)
                    .env(env("APP_SERVER__HOTS", "h", "APP_DATABASE__MAX_POOL", "3"))
                    .args("--databse.user=x", "--zzzzzz=1", "--server.pr=1", "--server.p=1", "--zz=1"),
                    "loading misspelt keys");

            ConfigProblem prot = problem(e, "server.prot");
            assertThat(prot.source()).as("source of the unknown server.prot").isEqualTo(at(file, 2, 3));
            Wording.assertNames(prot.message(), "the message of the unknown server.prot", "unknown", "server.port");
            ConfigProblem hots = problem(e, "server.hots");
            assertThat(hots.source()).as("source of the unknown APP_SERVER__HOTS")
                    .isEqualTo(new Source.Env("APP_SERVER__HOTS"));
            Wording.assertNames(hots.message(), "the message of the unknown server.hots", "unknown", "server.host");
            ConfigProblem pool = problem(e, "database.max-pool");
            Wording.assertNames(pool.message(), "the message of the unknown APP_DATABASE__MAX_POOL", "unknown");
            ConfigProblem user = problem(e, "databse.user");
            assertThat(user.source()).as("source of --databse.user=x").isEqualTo(new Source.Flag("--databse.user"));
            Wording.assertNames(user.message(), "the message of the unknown databse.user", "unknown", "database.user");
            ConfigProblem far = problem(e, "zzzzzz");
            Wording.assertNames(far.message(), "the message of the unknown zzzzzz", "unknown");
            assertThat(far.message()).as("the message of the unknown zzzzzz (no key is within 2 edits)")
                    .doesNotContainIgnoringCase("did you mean");
            // The bound, from both sides: serverpr is 2 edits from serverport, serverp 3; zz is 6 or more from all.
            Wording.assertNames(problem(e, "server.pr").message(), "the message of the unknown server.pr (2 edits"
                    + " from server.port)", "unknown", "server.port");
            for (String key : List.of("server.p", "zz")) {
                assertThat(problem(e, key).message()).as("the message of the unknown %s (no key is within 2 edits:"
                        + " server.p is 3 from server.port)", key).doesNotContainIgnoringCase("did you mean");
            }
        }

        @Test
        @Points(2)
        @Hint("YAML 1.2 forbids duplicate keys. Track the keys of each mapping (normalized, since max-pool-size and"
                + " maxPoolSize are one key) and report the second with the line of the first.")
        @DisplayName("a duplicate key is a problem at the second occurrence, naming the line of the first; spellings"
                + " of one key count as duplicates")
        void duplicateKeys() throws IOException {
            Path file = yaml("app.yaml",
                    "server:",
                    "  port: 8081",
                    "  host: a",
                    "  port: 8082",
                    "database:",
                    "  maxPoolSize: 5",
                    "  password: " + CANARY,
                    "  max-pool-size: 6");

            ConfigException e = failure(loader(AppConfig.class).file(file), "loading duplicate keys");

            ConfigProblem port = problem(e, "server.port");
            assertThat(port.source()).as("source of the duplicate server.port").isEqualTo(at(file, 4, 3));
            Wording.assertNames(port.message(), "the message of the duplicate server.port", "duplicate", "line 2");
            ConfigProblem pool = problem(e, "database.max-pool-size");
            assertThat(pool.source()).as("source of the duplicate max-pool-size").isEqualTo(at(file, 8, 3));
            Wording.assertNames(pool.message(), "the message of the duplicate max-pool-size", "duplicate", "line 6");
        }

        @Test
        @Points(3)
        @Hint("Run Bean Validation on each bound value (Validator.validateValue(recordType, componentName, value))"
                + " and turn each violation into a problem with that value's key and source.")
        @DisplayName("constraint violations name the key, the source, the value and the constraint's bound")
        void constraintViolations() throws IOException {
            Path file = yaml("app.yaml",
                    "server:",
                    "  host: '   '",
                    "database:",
                    "  maxPoolSize: 0",
                    "  password: " + CANARY);

            ConfigException e = failure(loader(AppConfig.class).file(file).env(env("APP_SERVER__PORT", "70000")),
                    "loading values out of bounds");

            ConfigProblem port = problem(e, "server.port");
            assertThat(port.source()).as("source of the server.port violation").isEqualTo(new Source.Env("APP_SERVER__PORT"));
            assertThat(port.value()).as("value of the server.port violation").isEqualTo("70000");
            assertThat(port.message()).as("the message of the server.port violation (@Max(65535))").contains("65535");
            ConfigProblem pool = problem(e, "database.max-pool-size");
            assertThat(pool.source()).as("source of the max-pool-size violation").isEqualTo(at(file, 4, 16));
            assertThat(pool.value()).as("value of the max-pool-size violation").isEqualTo("0");
            assertThat(pool.message()).as("the message of the max-pool-size violation (@Min(1))").contains("1");
            ConfigProblem host = problem(e, "server.host");
            Wording.assertNames(host.message(), "the message of the server.host violation (@NotBlank)", "blank");
            assertThat(host.source()).as("source of the server.host violation").isEqualTo(at(file, 2, 9));

            ConfigProblem workers = problem(failure(loader(Limits.class), "loading Limits, whose defaults() break"
                    + " @Min(1)"), "workers");
            assertThat(workers.source()).as("source of the workers violation (a default)").isEqualTo(Source.DEFAULT);
            assertThat(workers.value()).as("value of the workers violation (the default 0)").isEqualTo("0");
        }

        @Test
        @Points(3)
        @Hint("Do not stop at the first problem: collect them all (file, env, flags, types, constraints, missing"
                + " values) and throw one ConfigException at the end.")
        @DisplayName("one load reports every problem at once: a type error, a violation, an unknown key and a missing"
                + " value together")
        void everyProblemAtOnce() throws IOException {
            Path file = yaml("app.yaml",
                    "server:",
                    "  port: eighty",
                    "database:",
                    "  maxPoolSize: 500",
                    "  connectTimeout: soon");

            ConfigException e = failure(loader(AppConfig.class).file(file).env(env("APP_LOG_LEVL", "DEBUG"))
                    .args("--server.host="), "loading six problems");

            assertThat(e.problems()).as("the problems of a load with six").extracting(ConfigProblem::key)
                    .containsExactlyInAnyOrder("server.port", "database.max-pool-size", "database.connect-timeout",
                            "log-levl", "server.host", "database.password");
            Wording.assertNames(problem(e, "database.password").message(),
                    "the message of the missing database.password (@NotNull, no default)", "null");
            assertThat(problem(e, "database.password").source()).as("source of the missing database.password")
                    .isEqualTo(Source.DEFAULT);
            assertThat(e.getMessage()).as("the ConfigException's message lists every problem")
                    .contains(e.problems().stream().map(ConfigProblem::toString).toList());
        }

        @Test
        @Points(2)
        @Hint("A primitive component that nothing sets (no default, no source) cannot be null: report it as"
                + " missing.")
        @DisplayName("a primitive with no default and no value is reported as missing")
        void missingPrimitive() {
            ConfigException e = failure(loader(Bare.class).args("--name=x"), "loading Bare without a port");

            ConfigProblem port = problem(e, "port");
            Wording.assertNames(port.message(), "the message of the missing port", "missing");
            assertThat(port.source()).as("source of the missing port").isEqualTo(Source.DEFAULT);
            assertThat(port.value()).as("value of the missing port").isNull();
        }

        @Test
        @Points(2)
        @Hint("A given file must exist and be readable; a file problem has key \"\" and a Source.File without a"
                + " position.")
        @DisplayName("a missing file (file(...) or --config) says not found; a file that cannot be read says so")
        void missingOrUnreadableFile() throws IOException {
            Path missing = dir.resolve("missing.yaml");
            Path directory = Files.createDirectory(dir.resolve("conf.yaml"));

            ConfigException viaFile = failure(loader(AppConfig.class).file(missing), "loading a missing file");
            ConfigException viaFlag = failure(loader(AppConfig.class).args("--config", missing.toString()),
                    "loading a missing --config file");
            ConfigException unreadable = failure(loader(AppConfig.class).file(directory),
                    "loading a directory as the file");

            for (ConfigException e : List.of(viaFile, viaFlag)) {
                ConfigProblem p = fileProblem(e);
                assertThat(p.source()).as("source of the missing-file problem").isEqualTo(Source.File.of(missing));
                Wording.assertNames(p.message(), "the message of the missing-file problem", "not found");
            }
            ConfigProblem p = fileProblem(unreadable);
            assertThat(p.source()).as("source of the unreadable-file problem").isEqualTo(Source.File.of(directory));
            Wording.assertNames(p.message(), "the message of the unreadable-file problem", "cannot read");
        }

        @Test
        @Points(2)
        @Hint("Catch the parser's MarkedYamlEngineException: its problem mark has the line and column (from 0). A"
                + " top level that is not a mapping is a problem too; an empty file is not.")
        @DisplayName("malformed YAML and a top level that is not a mapping are problems with a position; an empty"
                + " file means all defaults")
        void malformedYaml() throws IOException {
            Path malformed = yaml("bad.yaml", "server:", "  host: a", "  port: 80: 90");
            Path list = yaml("list.yaml", "- server", "- database");
            Path empty = Files.writeString(dir.resolve("empty.yaml"), "");

            ConfigException bad = failure(loader(AppConfig.class).file(malformed), "loading malformed YAML");
            ConfigException notMapping = failure(loader(AppConfig.class).file(list), "loading a YAML list");
            Loaded<AppConfig> defaults = loads(loader(AppConfig.class).file(empty).env(env("APP_DATABASE__PASSWORD",
                    CANARY)), "loading an empty file");

            Source.File badAt = (Source.File) fileProblem(bad).source();
            assertThat(badAt.path()).as("file of the malformed-YAML problem").isEqualTo(malformed);
            assertThat(badAt.line()).as("line of the malformed-YAML problem ('  port: 80: 90' is line 3)").isEqualTo(3);
            ConfigProblem top = fileProblem(notMapping);
            assertThat(top.source()).as("source of the not-a-mapping problem").isEqualTo(at(list, 1, 1));
            Wording.assertNames(top.message(), "the message of the not-a-mapping problem", "mapping");
            assertThat(defaults.config().server()).as("server from an empty file").isEqualTo(AppConfig.defaults().server());
        }

        @Test
        @Points(3)
        @Hint("Limit the aliases the parser expands (SnakeYAML Engine: LoadSettings.setMaxAliasesForCollections),"
                + " and say alias in the message.")
        @DisplayName("a billion-laughs file fails fast with a problem about aliases, not an OutOfMemoryError")
        void billionLaughs() throws IOException {
            List<String> lines = new ArrayList<>();
            lines.add("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]");
            for (int i = 1; i <= 9; i++) {
                String prev = "*a" + (i - 1);
                lines.add("a" + i + ": &a" + i + " [" + String.join(",", java.util.Collections.nCopies(9, prev)) + "]");
            }
            lines.add("server:");
            lines.add("  tags: *a9");
            Path bomb = yaml("bomb.yaml", lines.toArray(String[]::new));

            ConfigException e = failure(loader(AppConfig.class).file(bomb), "loading a billion-laughs file");

            ConfigProblem p = fileProblem(e);
            Wording.assertNames(p.message(), "the message of the billion-laughs problem", "alias");
            assertThat(p.source()).as("source of the billion-laughs problem").isInstanceOf(Source.File.class);
        }
    }

    // ================================================================================================ task 4
    @Nested
    @Tag("task:4")
    @DisplayName("Task 4: secrets, and the command line")
    class SecretsAndCommandLine {

        @Test
        @Points(4)
        @Hint("A value is secret when its component is a Secret or its name ends with password, passwd, secret,"
                + " token or key (an s after it too), or contains credential. A URI's user-info password is masked.")
        @DisplayName("the effective config masks Secret values, secret-looking names and a URI's password, and shows"
                + " everything else")
        void effectiveConfigMasks() {
            Loaded<Client> client = loads(loader(Client.class).env(env(
                    "APP_API_TOKEN", CANARY + "-" + "x".repeat(40),
                    "APP_CLIENT_SECRET", CANARY,
                    "APP_SIGNING_KEYS", CANARY + ",other-" + CANARY,
                    "APP_CREDENTIALS_URL", "https://vault/" + CANARY,
                    "APP_USER", "bob",
                    "APP_TOKEN_TTL", "30")), "loading Client secrets");
            Loaded<AppConfig> app = loads(loader(AppConfig.class).args("--database.password=" + CANARY,
                    "--database.url=postgres://app:" + CANARY + "@db:5432/app"), "loading AppConfig secrets");
            Loaded<AppConfig> plainUrl = loads(loader(AppConfig.class).args("--database.password=" + CANARY),
                    "loading AppConfig with a password");
            Loaded<Legacy> legacy = loads(loader(Legacy.class).args("--ldap-passwd=" + CANARY, "--ldap-user=cn=app"),
                    "loading Legacy (ldapPasswd)");

            for (String key : List.of("api-token", "client-secret", "signing-keys", "credentials-url")) {
                assertThat(entry(client, key).value()).as("the effective value of %s", key).isEqualTo("***");
            }
            assertThat(entry(client, "user").value()).as("the effective value of user").isEqualTo("bob");
            assertThat(entry(legacy, "ldap-passwd").value()).as("the effective value of ldap-passwd").isEqualTo("***");
            assertThat(entry(legacy, "ldap-user").value()).as("the effective value of ldap-user").isEqualTo("cn=app");
            assertThat(entry(client, "token-ttl").value()).as("the effective value of token-ttl (ttl is no secret)")
                    .isEqualTo("30");
            assertThat(entry(app, "database.password").value()).as("the effective value of database.password")
                    .isEqualTo("***");
            assertThat(entry(app, "database.url").value()).as("the effective value of database.url")
                    .isEqualTo("postgres://app:***@db:5432/app");
            assertThat(app.config().database().password().reveal()).as("the bound password itself").isEqualTo(CANARY);
            canary.inspect("the rendered effective config", client.effective().render() + app.effective().toJson());
            canary.inspect("the bound AppConfig's toString() (the password is a Secret)", plainUrl.config());
        }

        @Test
        @Points(4)
        @Hint("Every message that shows a value shows it masked if it is secret: type errors, violations, duplicates."
                + " An unknown key's value is never shown: a typo in a secret's name is still a secret; nor is an"
                + " argument that is not a flag, not even in the problem's source.")
        @DisplayName("no problem shows a secret: violations, type errors, unknown and duplicate keys, stray arguments")
        void problemsMask() throws IOException {
            Path file = yaml("client.yaml",
                    "apiToken: short-" + CANARY,
                    "clientSecret: " + CANARY,
                    "clientSecret: again-" + CANARY);

            ConfigException e = failure(loader(Client.class).file(file)
                    .env(env("APP_CREDENTIALS_URL", "http://u:" + CANARY + "@vault/ bad", "APP_TOKEN_TTL", "soon"))
                    .args("--client-secert=" + CANARY, "--signing-keys", CANARY, "-client-secret=" + CANARY),
                    "loading bad secrets (one argument with a single dash: not a flag)");

            ConfigProblem token = problem(e, "api-token");
            assertThat(token.value()).as("value of the api-token violation (@Size(min = 40))").isEqualTo("***");
            assertThat(problem(e, "credentials-url").value()).as("value of the credentials-url type error")
                    .isEqualTo("***");
            assertThat(problem(e, "client-secret").value()).as("value of the duplicate client-secret").isIn(null, "***");
            ConfigProblem typo = problem(e, "client-secert");
            assertThat(typo.value()).as("value of the unknown client-secert").isNull();
            Wording.assertNames(typo.message(), "the message of the unknown client-secert", "client-secret");
            assertThat(problem(e, "token-ttl").value()).as("value of the token-ttl type error (not a secret name)")
                    .isEqualTo("soon");
            assertThat(e.problems()).as("problems: the argument '-client-secret=…' (one dash) is not a flag")
                    .anySatisfy(p -> assertThat(p.source()).isInstanceOf(Source.Flag.class));
        }

        private ChildJvm cli(Map<String, String> environment, String... args) throws IOException {
            // C1 and the serial collector: a short-lived JVM spends less CPU starting (the machine may be busy).
            ChildJvm.Builder b = ChildJvm.builder(ConfigMain.class).outputDirectory(dir.resolve("cli-" + args.length
                    + "-" + System.nanoTime())).jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC").args(args);
            environment.forEach(b::environment);
            return b.start();
        }

        private int exit(ChildJvm jvm) throws InterruptedException {
            int code = jvm.awaitExit(Duration.ofSeconds(50));
            rethrowIfChildHitStub(jvm);
            canary.inspect("ConfigMain's stdout", jvm.stdout());
            canary.inspect("ConfigMain's stderr", jvm.stderr());
            return code;
        }

        @Test
        @Timeout(60) // child JVMs: a generous bound for a busy machine
        @Points(4)
        @Hint("--print-effective-config prints EffectiveConfig.render() (or toJson() with --format json) on stdout"
                + " and exits 0.")
        @DisplayName("ConfigMain --print-effective-config prints every key with its value and source, as text or"
                + " JSON, from a real file and environment")
        void printEffectiveConfig() throws Exception {
            Path file = yaml("app.yaml", VALID_APP);
            Map<String, String> environment = Map.of("APP_SERVER__PORT", "9090");

            int text;
            int json;
            String textOut;
            String jsonOut;
            try (ChildJvm a = cli(environment, "--config", file.toString(), "--print-effective-config",
                    "--log-level=debug");
                 ChildJvm b = cli(environment, "--print-effective-config", "--format", "json", "--config",
                         file.toString())) {
                text = exit(a);
                json = exit(b);
                textOut = a.stdout();
                jsonOut = b.stdout();
                assertThat(text).as("exit status of --print-effective-config" + a.outputForMessage()).isZero();
                assertThat(json).as("exit status of --print-effective-config --format json" + b.outputForMessage())
                        .isZero();
            }
            ConfigEntry port = new ConfigEntry("server.port", "9090", new Source.Env("APP_SERVER__PORT"));
            assertThat(textOut).as("stdout of --print-effective-config").isEqualTo(new EffectiveConfig(validAppEntries(
                    file, port, new ConfigEntry("log-level", "DEBUG", new Source.Flag("--log-level")))).render());
            assertThat(jsonOut.strip()).as("stdout of --print-effective-config --format json")
                    .isEqualTo(new EffectiveConfig(validAppEntries(file, port)).toJson());
        }

        @Test
        @Timeout(60) // child JVMs: a generous bound for a busy machine
        @Points(4)
        @Hint("--validate-only: exit 0 when valid; else print each ConfigProblem on its own line on stderr and exit"
                + " 1. Problems go to stderr, not stdout.")
        @DisplayName("ConfigMain --validate-only exits 0 when valid, 1 with every problem on stderr")
        void validateOnly() throws Exception {
            Path good = yaml("good.yaml", VALID_APP);
            Path bad = yaml("bad.yaml", "server:", "  port: eighty", "database:", "  maxPoolSize: 0");

            try (ChildJvm valid = cli(Map.of(), "--validate-only", "--config", good.toString());
                 ChildJvm invalid = cli(Map.of("APP_DATABASE__PASSWORD", CANARY, "APP_SERVER__HOTS", "x"),
                         "--config", bad.toString(), "--validate-only", "--database.user=")) {
                assertThat(exit(valid)).as("exit status of --validate-only on a valid config" + valid.outputForMessage())
                        .isZero();
                assertThat(exit(invalid)).as("exit status of --validate-only on an invalid config"
                        + invalid.outputForMessage()).isEqualTo(1);
                List<String> lines = invalid.stderr().lines().toList();
                // One line per problem, holding its ConfigProblem.toString(): the key, the word the README fixes
                // for that kind of problem, the value and the source; the rest of the wording is the learner's.
                for (List<String> problem : List.of(
                        List.of("server.port: ", "integer", ", got \"eighty\" (bad.yaml:2:9)"),
                        List.of("database.max-pool-size: ", "1", ", got \"0\" (bad.yaml:4:16)"),
                        List.of("server.hots: ", "unknown", " (env APP_SERVER__HOTS)"),
                        List.of("database.user: ", "blank", " (flag --database.user)"))) {
                    assertThat(lines).as("stderr lines of --validate-only on an invalid config: one line with the"
                            + " problem %s…%s (naming '%s')%s", problem.get(0), problem.get(2), problem.get(1),
                            invalid.outputForMessage()).anyMatch(l -> l.contains(problem.get(0))
                            && l.contains(problem.get(2)) && Wording.names(l, problem.get(1)));
                }
                assertThat(invalid.stdout()).as("stdout of --validate-only on an invalid config").doesNotContain(
                        "server.port");
            }
        }

        @Test
        @Timeout(60) // child JVMs: a generous bound for a busy machine
        @Points(2)
        @Hint("A usage error (no mode, both modes, a --format other than text or json, --config without a file)"
                + " exits 2 with a message saying usage on stderr.")
        @DisplayName("ConfigMain exits 2 with a usage message for a usage error")
        void usageErrors() throws Exception {
            // These JVMs never load a configuration: cheap enough to start all four at once.
            try (ChildJvm noMode = cli(Map.of());
                 ChildJvm bothModes = cli(Map.of(), "--validate-only", "--print-effective-config");
                 ChildJvm badFormat = cli(Map.of(), "--print-effective-config", "--format", "yaml");
                 ChildJvm noFile = cli(Map.of(), "--validate-only", "--config")) {
                Map<String, ChildJvm> cases = new LinkedHashMap<>();
                cases.put("no mode", noMode);
                cases.put("--validate-only --print-effective-config", bothModes);
                cases.put("--format yaml", badFormat);
                cases.put("--config without a file", noFile);
                for (var c : cases.entrySet()) {
                    ChildJvm jvm = c.getValue();
                    assertThat(exit(jvm)).as("exit status of the usage error '%s'%s", c.getKey(), jvm.outputForMessage())
                            .isEqualTo(2);
                    Wording.assertNames(jvm.stderr(), "stderr of the usage error '" + c.getKey() + "'", "usage");
                }
            }
        }
    }

    // ================================================================================================ task 5
    @Nested
    @Tag("task:5")
    @DisplayName("Task 5 (stretch): reload the file when it changes")
    class Watch {

        @Test
        @Points(4)
        @Hint("checkNow(): read the file; if its bytes changed, load again; swap only if the new config is valid,"
                + " then tell the listeners (previous, current).")
        @DisplayName("a valid edit is swapped in and the listeners get the previous and the new config; an unchanged"
                + " file is not reloaded")
        void validEditSwaps() throws IOException {
            Path file = yaml("app.yaml", VALID_APP);
            List<String> changes = new CopyOnWriteArrayList<>();
            try (ConfigWatch<AppConfig> watch = loader(AppConfig.class).file(file).args("--server.host=flag-host")
                    .watch(null)) {
                watch.onChange((previous, current) -> changes.add(previous.config().server().port() + "->"
                        + current.config().server().port()));
                assertThat(watch.checkNow()).as("checkNow() with the file unchanged").isFalse();

                Files.writeString(file, String.join("\n", VALID_APP).replace("8081", "9091"));
                assertThat(watch.checkNow()).as("checkNow() after a valid edit of server.port").isTrue();

                assertThat(watch.current().config().server().port()).as("server.port after the edit").isEqualTo(9091);
                assertThat(watch.current().config().server().host()).as("server.host after the edit (a flag still"
                        + " wins over the file)").isEqualTo("flag-host");
                assertThat(changes).as("the changes the listener saw").containsExactly("8081->9091");
                assertThat(watch.checkNow()).as("checkNow() again, nothing changed").isFalse();
                assertThat(changes).as("the changes the listener saw").containsExactly("8081->9091");

                FileTime modified = Files.getLastModifiedTime(file);
                Files.writeString(file, String.join("\n", VALID_APP).replace("8081", "9092"));
                Files.setLastModifiedTime(file, modified);
                assertThat(watch.checkNow()).as("checkNow() after an edit that kept the modification time (compare"
                        + " the bytes)").isTrue();
                Files.setLastModifiedTime(file, FileTime.from(modified.toInstant().plusSeconds(5)));
                assertThat(watch.checkNow()).as("checkNow() after a touch: a new modification time, the same bytes")
                        .isFalse();
                assertThat(changes).as("the changes the listener saw").containsExactly("8081->9091", "9091->9092");
            }
        }

        @Test
        @Points(4)
        @Hint("An invalid edit must not replace the config in force: keep it, and give the ConfigException to the"
                + " error listeners (and log it masked, if you log it).")
        @DisplayName("an invalid edit keeps the current config and reports its problems; the next valid edit is"
                + " swapped in")
        void invalidEditIsRejected() throws IOException {
            Path file = yaml("app.yaml", VALID_APP);
            List<ConfigException> errors = new CopyOnWriteArrayList<>();
            List<Integer> swapped = new CopyOnWriteArrayList<>();
            try (ConfigWatch<AppConfig> watch = loader(AppConfig.class).file(file).watch(null)) {
                watch.onError(errors::add);
                watch.onChange((previous, current) -> swapped.add(current.config().server().port()));
                Loaded<AppConfig> before = watch.current();

                Files.writeString(file, String.join("\n", VALID_APP).replace("8081", "eighty"));
                assertThat(watch.checkNow()).as("checkNow() after an invalid edit").isFalse();

                assertThat(watch.current()).as("the config in force after an invalid edit").isSameAs(before);
                assertThat(errors).as("the errors reported for the invalid edit").hasSize(1);
                errors.forEach(e -> canary.inspect("the reported ConfigException", e));
                assertThat(problem(errors.getFirst(), "server.port").value()).as("value of the reported problem")
                        .isEqualTo("eighty");
                assertThat(swapped).as("swaps after an invalid edit").isEmpty();

                Files.writeString(file, String.join("\n", VALID_APP).replace("8081", "8088"));
                assertThat(watch.checkNow()).as("checkNow() after fixing the edit").isTrue();
                assertThat(watch.current().config().server().port()).as("server.port after fixing the edit")
                        .isEqualTo(8088);
                assertThat(swapped).as("swaps after fixing the edit").containsExactly(8088);
            }
        }

        @Test
        @Points(2)
        @Hint("watch(interval) polls on a thread of its own; close() stops that thread. The file is the one --config"
                + " names, else file(...); without either there is nothing to watch: IllegalStateException.")
        @DisplayName("with a poll interval the watch picks up an edit by itself, and close() stops its thread")
        void pollsByItself() throws IOException {
            thrownBy(IllegalStateException.class, () -> loader(AppConfig.class).args("--database.password=x")
                    .watch(null), "watch(null) with no file (neither file(...) nor --config)");

            Path file = yaml("app.yaml", VALID_APP);
            try (ConfigWatch<AppConfig> byFlag = loader(AppConfig.class).args("--config", file.toString())
                    .watch(null)) {
                Files.writeString(file, String.join("\n", VALID_APP).replace("8081", "8181"));
                assertThat(byFlag.checkNow()).as("checkNow() after an edit, on a watch whose file came from --config"
                        + " (no file(...))").isTrue();
                assertThat(byFlag.current().config().server().port()).as("server.port after the edit").isEqualTo(8181);
            }
            try (ConfigWatch<AppConfig> watch = loader(AppConfig.class).file(file).watch(Duration.ofMillis(20))) {
                Files.writeString(file, String.join("\n", VALID_APP).replace("8081", "9999"));
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                        .untilAsserted(() -> assertThat(watch.current().config().server().port())
                                .as("server.port, polled by the watch").isEqualTo(9999));
            }
        }
    }
}
