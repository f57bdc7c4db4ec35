package dev.opsworkbook.config;

import dev.opsworkbook.config.Schema.Component;
import dev.opsworkbook.config.Schema.Kind;
import dev.opsworkbook.config.Schema.RecordSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Loads a configuration record from layered sources, merged key by key with the precedence
 * flag &gt; environment &gt; file &gt; defaults, and validates it, reporting every problem at once.
 *
 * <pre>{@code
 * Loaded<AppConfig> loaded = ConfigLoader.of(AppConfig.class)
 *         .file(Path.of("app.yaml"))      // optional; a --config FILE flag replaces it
 *         .env(System.getenv())           // the default
 *         .prefix("APP_")                 // the default
 *         .args(args)                     // --server.port=80, --server.port 80, --config FILE
 *         .load();                        // or ConfigException listing every problem
 * }</pre>
 *
 * <p>The contract is the exercise README ("What you build"): names and their forms, value types, defaults,
 * errors, secrets. A loader is configured by one thread, then {@link #load()} may be called any number of times;
 * each call reads every source again.
 *
 * @param <R> the configuration record type
 */
public final class ConfigLoader<R extends Record> {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    /** Stands for "this component could not be bound": null is a legitimate value. */
    private static final Object FAILED = new Object();

    private final Class<R> type;
    private final RecordSchema schema;
    private @Nullable Path file;
    private Map<String, String> env = System.getenv();
    private String prefix = "APP_";
    private List<String> args = List.of();

    private ConfigLoader(Class<R> type) {
        this.type = type;
        this.schema = Schema.of(type);
    }

    /**
     * A loader for {@code type}, with no file, the process environment, the prefix {@code APP_} and no flags.
     *
     * @throws IllegalArgumentException if {@code type} is not a record, or a component has a type the README does
     *                                  not list (the message names the component)
     */
    public static <R extends Record> ConfigLoader<R> of(Class<R> type) {
        return new ConfigLoader<>(Objects.requireNonNull(type, "type"));
    }

    /** The YAML file to read; it must exist when {@link #load()} runs. A {@code --config FILE} flag replaces it. */
    public ConfigLoader<R> file(Path file) {
        this.file = Objects.requireNonNull(file, "file");
        return this;
    }

    /** The environment to read instead of the process's ({@code System.getenv()}). */
    public ConfigLoader<R> env(Map<String, String> env) {
        this.env = Map.copyOf(env);
        return this;
    }

    /**
     * Only variables whose name starts with {@code prefix} (ignoring case) are configuration; default {@code APP_}.
     *
     * @throws IllegalArgumentException if {@code prefix} is empty
     */
    public ConfigLoader<R> prefix(String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("the environment prefix must not be empty: every variable would be"
                    + " a configuration key");
        }
        this.prefix = prefix;
        return this;
    }

    /** The command-line flags, e.g. {@code main}'s {@code args}: {@code --key=value}, {@code --key value}. */
    public ConfigLoader<R> args(String... args) {
        this.args = List.copyOf(Arrays.asList(args));
        return this;
    }

    /**
     * Reads every source, merges them key by key, binds the record and validates it.
     *
     * @throws ConfigException with every problem found, each with its key, source, value (masked if secret) and
     *                         what was expected
     */
    public Loaded<R> load() {
        return new Run().load(null);
    }

    /**
     * Loads the configuration now (throwing {@link ConfigException} if it is invalid) and returns a watch that reads
     * the file again on {@link ConfigWatch#checkNow()} and, when {@code pollInterval} is not {@code null}, every
     * {@code pollInterval} on a thread of its own until {@link ConfigWatch#close()}.
     *
     * @throws IllegalStateException if no file was given
     */
    public ConfigWatch<R> watch(@Nullable Duration pollInterval) {
        Path watched = new Run().configFlag();
        if (watched == null) {
            watched = file;
        }
        if (watched == null) {
            throw new IllegalStateException("nothing to watch: no file (.file(path) or --config FILE) was given");
        }
        return new FileConfigWatch<>(this, watched, pollInterval);
    }

    /** Loads with {@code fileBytes} as the file's content (the watch reads the file once, then loads those bytes). */
    Loaded<R> load(byte @Nullable [] fileBytes) {
        return new Run().load(fileBytes);
    }

    /** One load: the sources as they are now, the problems found in them, the entries of the result. */
    private final class Run {
        private final List<ConfigProblem> problems = new ArrayList<>();
        private final List<ConfigEntry> entries = new ArrayList<>();
        private final Map<String, Raw> fileLayer = new HashMap<>();
        private final Map<String, Raw> envLayer = new HashMap<>();
        private final Map<String, Raw> flagLayer = new HashMap<>();
        private @Nullable Path configFlag;
        private @Nullable Path readFrom;

        Loaded<R> load(byte @Nullable [] fileBytes) {
            readFlags();
            readEnv();
            readFrom = configFlag != null ? configFlag : file;
            if (readFrom != null) {
                readFile(readFrom, fileBytes);
            }
            Object bound = bindRecord(schema, "", schema.defaultsInstance(), List.of(flagLayer, envLayer, fileLayer));
            if (!problems.isEmpty() || bound == FAILED) {
                throw new ConfigException(problems.isEmpty()
                        ? List.of(new ConfigProblem("", Source.DEFAULT, null, "could not build " + type.getSimpleName()))
                        : problems);
            }
            LOG.debug("loaded {} keys of {} (file: {})", entries.size(), type.getSimpleName(), readFrom);
            return new Loaded<>(type.cast(bound), new EffectiveConfig(entries));
        }

        @Nullable Path configFlag() {
            readFlags();
            return configFlag;
        }

        // ---------------------------------------------------------------- sources

        private void readFlags() {
            flagLayer.clear();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (!arg.startsWith("--") || arg.length() == 2) {
                    // A bare word may be a value that lost its flag: show where it is, never what it is.
                    problems.add(new ConfigProblem("", new Source.Flag("argument " + (i + 1)),
                            null, "expected --key=value or --key value"));
                    continue;
                }
                int eq = arg.indexOf('=');
                String flag = eq > 0 ? arg.substring(0, eq) : arg;
                String name = flag.substring(2);
                String value = null;
                if (eq > 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    value = args.get(++i);
                }
                if (Names.normalize(name).equals("config")) {
                    if (value == null || value.isEmpty()) {
                        problems.add(new ConfigProblem("", new Source.Flag(flag), null, "expected a file path"));
                    } else {
                        configFlag = Path.of(value);
                    }
                    continue;
                }
                // A flag without a value is a switch: --feature.enabled means true.
                assign(name.split("\\.", -1), new Source.Flag(flag), value == null ? "true" : value, flagLayer, true);
            }
        }

        private void readEnv() {
            // Sorted, so that problems come out in the same order on every run.
            for (Map.Entry<String, String> var : new TreeMap<>(env).entrySet()) {
                String name = var.getKey();
                if (name.length() > prefix.length() && name.regionMatches(true, 0, prefix, 0, prefix.length())) {
                    // Double underscore nests; a single one is part of the name (MAX_POOL_SIZE).
                    String[] segments = name.substring(prefix.length()).split("__", -1);
                    assign(segments, new Source.Env(name), var.getValue(), envLayer, false);
                }
            }
        }

        /** Puts one env variable or flag into its layer, or reports why it cannot be a key. */
        private void assign(String[] segments, Source source, String text, Map<String, Raw> layer, boolean lastWins) {
            RecordSchema s = schema;
            String prefixKey = "";
            for (int i = 0; i < segments.length; i++) {
                Component c = segments[i].isEmpty() ? null : s.component(Names.normalize(segments[i]));
                if (c == null || (i < segments.length - 1 && c.kind() != Kind.RECORD)) {
                    String unknown = prefixKey + String.join(".",
                            Arrays.stream(segments, i, segments.length).map(ConfigLoader::canonicalUnknown).toList());
                    problems.add(unknownKey(unknown, source, schema, ""));
                    return;
                }
                String key = prefixKey + c.kebab();
                if (i < segments.length - 1) {
                    s = Objects.requireNonNull(c.nested());
                    prefixKey = key + ".";
                    continue;
                }
                switch (c.kind()) {
                    case RECORD -> problems.add(new ConfigProblem(key, source, null,
                            "expected a mapping: set its keys one by one, e.g. " + key + "."
                                    + Objects.requireNonNull(c.nested()).components().getFirst().kebab()));
                    case RECORD_LIST -> problems.add(new ConfigProblem(key, source, null,
                            "a list of records can only be set in the file"));
                    default -> {
                        Raw previous = layer.get(key);
                        if (previous != null && !lastWins) {
                            problems.add(new ConfigProblem(key, source, null,
                                    "duplicate key, also set by " + previous.source()));
                        } else {
                            layer.put(key, new Raw(text, null, source));
                        }
                    }
                }
            }
        }

        private void readFile(Path path, byte @Nullable [] given) {
            byte[] bytes;
            try {
                bytes = given != null ? given : Files.readAllBytes(path);
            } catch (NoSuchFileException e) {
                problems.add(new ConfigProblem("", Source.File.of(path), null, "file not found: " + path));
                return;
            } catch (IOException e) {
                problems.add(new ConfigProblem("", Source.File.of(path), null, "cannot read " + path + ": " + e));
                return;
            }
            Node root;
            try {
                var parsed = YamlFile.parse(path, bytes);
                if (parsed.isEmpty() || YamlFile.isNull(parsed.get())) {
                    return; // an empty file: all defaults
                }
                root = parsed.get();
            } catch (YamlFile.Unparsable e) {
                problems.add(new ConfigProblem("", e.where(), null, Objects.requireNonNull(e.getMessage())));
                return;
            }
            if (root instanceof MappingNode mapping) {
                walk(schema, mapping, "", fileLayer, path);
            } else {
                problems.add(new ConfigProblem("", YamlFile.at(path, root), null,
                        "expected a mapping of keys at the top level"));
            }
        }

        /** The keys of one YAML mapping, matched against one record, into {@code out}. */
        private void walk(RecordSchema s, MappingNode mapping, String prefixKey, Map<String, Raw> out, Path path) {
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                Node valueNode = tuple.getValueNode();
                if (!(keyNode instanceof ScalarNode k)) {
                    problems.add(new ConfigProblem(prefixKey.isEmpty() ? "" : prefixKey.substring(0,
                            prefixKey.length() - 1), YamlFile.at(path, keyNode), null, "expected a string key"));
                    continue;
                }
                String name = k.getValue();
                String normalized = Names.normalize(name);
                Component c = s.component(normalized);
                String key = prefixKey + (c == null ? canonicalUnknown(name) : c.kebab());
                Node first = seen.putIfAbsent(normalized, keyNode);
                if (first != null) {
                    // YAML 1.2 forbids it, and SnakeYAML 1.x/2.x silently kept the last one.
                    problems.add(new ConfigProblem(key, YamlFile.at(path, keyNode), null, "duplicate key, first at line "
                            + YamlFile.at(path, first).line()));
                    continue;
                }
                if (c == null) {
                    problems.add(unknownKey(key, YamlFile.at(path, keyNode), s, prefixKey));
                    continue;
                }
                if (YamlFile.isNull(valueNode)) {
                    continue; // "port:" with nothing: the layers below decide
                }
                Source.File at = YamlFile.at(path, valueNode);
                switch (c.kind()) {
                    case RECORD -> {
                        if (valueNode instanceof MappingNode m) {
                            walk(Objects.requireNonNull(c.nested()), m, key + ".", out, path);
                        } else {
                            problems.add(problem(key, at, c, YamlFile.scalarText(valueNode), "expected a mapping"));
                        }
                    }
                    case RECORD_LIST, SCALAR_LIST -> {
                        if (valueNode instanceof SequenceNode) {
                            out.put(key, new Raw(null, valueNode, at));
                        } else {
                            problems.add(problem(key, at, c, YamlFile.scalarText(valueNode), "expected a list"));
                        }
                    }
                    case SCALAR -> {
                        if (valueNode instanceof ScalarNode v) {
                            out.put(key, new Raw(v.getValue(), null, at));
                        } else {
                            problems.add(problem(key, at, c, null, expected(c.valueType())));
                        }
                    }
                }
            }
        }

        // ---------------------------------------------------------------- binding

        /** Binds one record from the layers (highest precedence first); FAILED if any part of it failed. */
        private Object bindRecord(RecordSchema s, String prefixKey, @Nullable Object defaults,
                                  List<Map<String, Raw>> layers) {
            List<Component> components = s.components();
            Object[] values = new Object[components.size()];
            boolean ok = true;
            for (int i = 0; i < values.length; i++) {
                Component c = components.get(i);
                String key = prefixKey + c.kebab();
                Object fallback = defaults == null ? null : accessor(c, defaults);
                Raw raw = null;
                for (Map<String, Raw> layer : layers) {
                    raw = layer.get(key);
                    if (raw != null) {
                        break;
                    }
                }
                Source source = raw == null ? Source.DEFAULT : raw.source();
                Object value = switch (c.kind()) {
                    case RECORD -> {
                        RecordSchema nested = Objects.requireNonNull(c.nested());
                        yield bindRecord(nested, key + ".", fallback != null ? fallback : nested.defaultsInstance(),
                                layers);
                    }
                    case RECORD_LIST -> raw == null ? defaultRecords(c, key, fallback) : recordList(c, key, raw);
                    case SCALAR_LIST -> {
                        Object list = raw == null ? fallback : scalarList(c, key, raw);
                        if (list != FAILED) {
                            entries.add(new ConfigEntry(key, Values.display(list, c.secret()), source));
                        }
                        yield list;
                    }
                    case SCALAR -> {
                        Object scalar = raw == null ? fallback : scalar(c, key, raw);
                        if (scalar == null && c.primitive()) {
                            problems.add(new ConfigProblem(key, Source.DEFAULT, null,
                                    "missing value, " + expected(c.valueType())));
                            yield FAILED;
                        }
                        if (scalar != FAILED) {
                            entries.add(new ConfigEntry(key, Values.display(scalar, c.secret()), source));
                        }
                        yield scalar;
                    }
                };
                if (value == FAILED) {
                    ok = false;
                } else {
                    validate(s, c, key, value, source);
                    values[i] = value;
                }
            }
            if (!ok) {
                return FAILED;
            }
            try {
                return s.construct(values);
            } catch (Throwable e) {
                // Not e's message: a constructor's check may quote the value, and the value may be a secret.
                problems.add(new ConfigProblem(prefixKey.isEmpty() ? "" : prefixKey.substring(0, prefixKey.length() - 1),
                        Source.DEFAULT, null, s.type().getSimpleName() + "'s constructor rejected the values ("
                        + e.getClass().getSimpleName() + ")"));
                return FAILED;
            }
        }

        private @Nullable Object scalar(Component c, String key, Raw raw) {
            try {
                return Values.convert(Objects.requireNonNull(raw.text()), c.valueType());
            } catch (Values.BadValue e) {
                problems.add(problem(key, raw.source(), c, raw.text(), e.getMessage()));
                return FAILED;
            }
        }

        private Object scalarList(Component c, String key, Raw raw) {
            List<Object> list = new ArrayList<>();
            boolean ok = true;
            if (raw.node() instanceof SequenceNode seq) {
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    Node item = items.get(i);
                    Source.File at = YamlFile.at(Objects.requireNonNull(readFrom), item);
                    if (item instanceof ScalarNode v && !YamlFile.isNull(item)) {
                        ok &= addConverted(list, c, key + "[" + i + "]", v.getValue(), at);
                    } else {
                        problems.add(problem(key + "[" + i + "]", at, c, null, expected(c.valueType())));
                        ok = false;
                    }
                }
            } else {
                String text = Objects.requireNonNull(raw.text());
                if (!text.isBlank()) {
                    String[] items = text.split(",", -1);
                    for (int i = 0; i < items.length; i++) {
                        ok &= addConverted(list, c, key + "[" + i + "]", items[i].strip(), raw.source());
                    }
                }
            }
            return ok ? List.copyOf(list) : FAILED;
        }

        private boolean addConverted(List<Object> list, Component c, String key, String text, Source source) {
            try {
                list.add(Values.convert(text, c.valueType()));
                return true;
            } catch (Values.BadValue e) {
                problems.add(problem(key, source, c, text, e.getMessage()));
                return false;
            }
        }

        private Object recordList(Component c, String key, Raw raw) {
            RecordSchema element = Objects.requireNonNull(c.nested());
            Path path = Objects.requireNonNull(readFrom);
            List<Object> list = new ArrayList<>();
            boolean ok = true;
            List<Node> items = ((SequenceNode) Objects.requireNonNull(raw.node())).getValue();
            for (int i = 0; i < items.size(); i++) {
                String itemKey = key + "[" + i + "]";
                if (items.get(i) instanceof MappingNode m) {
                    Map<String, Raw> local = new HashMap<>();
                    walk(element, m, itemKey + ".", local, path);
                    Object bound = bindRecord(element, itemKey + ".", element.defaultsInstance(), List.of(local));
                    ok &= bound != FAILED;
                    list.add(bound);
                } else {
                    problems.add(problem(itemKey, YamlFile.at(path, items.get(i)), c, null, "expected a mapping"));
                    ok = false;
                }
            }
            return ok ? List.copyOf(list) : FAILED;
        }

        /** A list of records nothing overrides: its defaults, each leaf listed with source "default". */
        private @Nullable Object defaultRecords(Component c, String key, @Nullable Object fallback) {
            if (fallback == null) {
                entries.add(new ConfigEntry(key, "null", Source.DEFAULT));
                return null;
            }
            List<?> list = (List<?>) fallback;
            for (int i = 0; i < list.size(); i++) {
                defaultEntries(Objects.requireNonNull(c.nested()), key + "[" + i + "].", list.get(i));
            }
            return fallback;
        }

        private void defaultEntries(RecordSchema s, String prefixKey, @Nullable Object instance) {
            for (Component c : s.components()) {
                Object value = instance == null ? null : accessor(c, instance);
                String key = prefixKey + c.kebab();
                switch (c.kind()) {
                    case RECORD -> defaultEntries(Objects.requireNonNull(c.nested()), key + ".", value);
                    case RECORD_LIST -> defaultRecords(c, key, value);
                    default -> entries.add(new ConfigEntry(key, Values.display(value, c.secret()), Source.DEFAULT));
                }
            }
        }

        private void validate(RecordSchema s, Component c, String key, @Nullable Object value, Source source) {
            if (!Validation.CONSTRAINED.apply(s.type()).contains(c.name())) {
                return; // most components have no constraint: skip the validator's per-call set-up
            }
            for (var violation : Validation.VALIDATOR.validateValue(s.type(), c.name(), value)) {
                problems.add(new ConfigProblem(key, source, value == null ? null : Values.display(value, c.secret()),
                        violation.getMessage()));
            }
        }
    }

    /** A value as a source gave it: scalar text (env, flag, YAML scalar) or a YAML sequence node. */
    private record Raw(@Nullable String text, @Nullable Node node, Source source) {
    }

    private static ConfigProblem problem(String key, Source source, Component c, @Nullable String text,
                                         @Nullable String message) {
        return new ConfigProblem(key, source, text == null ? null : Values.displayRaw(text, c.secret()),
                Objects.requireNonNull(message));
    }

    /** An unknown key's problem, with the closest known key under {@code s} if one is at most 2 edits away. */
    private static ConfigProblem unknownKey(String key, Source source, RecordSchema s, String prefixKey) {
        String wanted = normalizedPath(key);
        String best = null;
        int bestDistance = 3;
        for (String known : leafKeys(s, prefixKey, new ArrayList<>())) {
            int d = Names.distance(wanted, normalizedPath(known));
            if (d < bestDistance || (d == bestDistance && best != null && known.compareTo(best) < 0)) {
                best = known;
                bestDistance = d;
            }
        }
        return new ConfigProblem(key, source, null, best == null ? "unknown key" : "unknown key, did you mean " + best
                + "?");
    }

    private static List<String> leafKeys(RecordSchema s, String prefixKey, List<String> out) {
        for (Component c : s.components()) {
            if (c.kind() == Kind.RECORD) {
                leafKeys(Objects.requireNonNull(c.nested()), prefixKey + c.kebab() + ".", out);
            } else {
                out.add(prefixKey + c.kebab());
            }
        }
        return out;
    }

    private static String normalizedPath(String key) {
        return String.join(".", Arrays.stream(key.split("\\.", -1)).map(Names::normalize).toList());
    }

    /** An unknown name in the canonical spelling: MAX_POOL_SIZE, maxPoolSize and max-pool-size → max-pool-size. */
    private static String canonicalUnknown(String name) {
        boolean hasLower = name.chars().anyMatch(Character::isLowerCase);
        return Names.lower(hasLower ? Names.kebab(name) : name).replace('_', '-');
    }

    private static @Nullable Object accessor(Component c, Object instance) {
        try {
            return c.accessor().invoke(instance);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read " + c.name() + " of the defaults: " + e, e);
        }
    }

    /** What a value of {@code type} looks like, for "missing" and "wrong shape" messages. */
    static String expected(Class<?> type) {
        try {
            Values.convert("\u0000", type);
            return "expected a string";
        } catch (Values.BadValue e) {
            return Objects.requireNonNull(e.getMessage());
        }
    }

    /** Bean Validation, built once: the factory is expensive and thread-safe. */
    private static final class Validation {
        static final jakarta.validation.Validator VALIDATOR = jakarta.validation.Validation
                .byProvider(org.hibernate.validator.HibernateValidator.class).configure()
                .defaultLocale(java.util.Locale.ENGLISH)
                .buildValidatorFactory().getValidator();

        /** The components of each record class that carry a constraint (or @Valid). */
        static final java.util.function.Function<Class<?>, java.util.Set<String>> CONSTRAINED = Schema.perClass(
                type -> VALIDATOR.getConstraintsForClass(type).getConstrainedProperties().stream()
                        .map(jakarta.validation.metadata.PropertyDescriptor::getPropertyName)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }
}
