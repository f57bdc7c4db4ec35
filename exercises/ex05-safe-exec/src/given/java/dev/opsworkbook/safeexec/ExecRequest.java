package dev.opsworkbook.safeexec;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to run and under which limits. A plain value: {@link SafeExec#run} validates it.
 *
 * @param argv               the program and its arguments, one element each; never passed to a shell
 * @param workingDirectory   the child's working directory, or {@code null} for the caller's
 * @param environment        the child's environment; it <em>replaces</em> the caller's unless
 *                           {@code inheritEnvironment} is set, in which case it is laid over it
 * @param inheritEnvironment whether the child starts from a copy of the caller's environment
 * @param stdin              bytes written to the child's standard input, which is then closed
 * @param timeout            how long the child may run before the whole process tree is stopped
 * @param killGrace          how long a stopped process gets between SIGTERM and SIGKILL
 * @param maxOutputBytes     per stream: how many bytes of stdout (and of stderr) are kept
 * @param charset            how the kept bytes are decoded into text
 */
@SuppressWarnings("ArrayRecordComponent") // stdin: handed to the child as it is, never compared
public record ExecRequest(
        @Nullable List<String> argv,
        @Nullable Path workingDirectory,
        Map<String, String> environment,
        boolean inheritEnvironment,
        byte[] stdin,
        Duration timeout,
        Duration killGrace,
        int maxOutputBytes,
        Charset charset) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

    /** Starts a request for {@code argv}; nothing is checked until {@link SafeExec#run}. */
    public static Builder builder(String @Nullable ... argv) {
        return new Builder(argv == null ? null : Arrays.asList(argv));
    }

    /** Starts a request for {@code argv}; nothing is checked until {@link SafeExec#run}. */
    public static Builder builder(@Nullable List<String> argv) {
        return new Builder(argv);
    }

    /** Builds an {@link ExecRequest}; the defaults are the {@code DEFAULT_*} constants, UTF-8, no stdin. */
    public static final class Builder {
        private final @Nullable List<String> argv;
        private @Nullable Path workingDirectory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean inheritEnvironment;
        private byte[] stdin = new byte[0];
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration killGrace = DEFAULT_KILL_GRACE;
        private int maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
        private Charset charset = StandardCharsets.UTF_8;

        private Builder(@Nullable List<String> argv) {
            // Copied as given, nulls included, so that run() can report them precisely.
            this.argv = argv == null ? null : Collections.unmodifiableList(new ArrayList<>(argv));
        }

        public Builder workingDirectory(@Nullable Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder environment(Map<String, String> env) {
            env.forEach(this::env);
            return this;
        }

        public Builder inheritEnvironment(boolean inherit) {
            this.inheritEnvironment = inherit;
            return this;
        }

        public Builder stdin(byte[] bytes) {
            this.stdin = Objects.requireNonNull(bytes, "stdin").clone();
            return this;
        }

        public Builder stdin(String text) {
            return stdin(text.getBytes(charset));
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder killGrace(Duration grace) {
            this.killGrace = grace;
            return this;
        }

        public Builder maxOutputBytes(int bytes) {
            this.maxOutputBytes = bytes;
            return this;
        }

        public Builder charset(Charset charset) {
            this.charset = Objects.requireNonNull(charset, "charset");
            return this;
        }

        public ExecRequest build() {
            return new ExecRequest(argv, workingDirectory, Collections.unmodifiableMap(new LinkedHashMap<>(environment)),
                    inheritEnvironment, stdin, timeout, killGrace, maxOutputBytes, charset);
        }
    }
}
