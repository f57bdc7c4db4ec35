package dev.opsworkbook.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a configuration value came from. {@link #toString()} is the text the effective config and every error
 * message show: {@code default}, {@code app.yaml:12:9}, {@code env APP_SERVER__PORT}, {@code flag --server.port}.
 */
public sealed interface Source {

    /** The shared instance for values that come from the record's {@code defaults()} (or from nowhere). */
    Source DEFAULT = new Default();

    /** The record's {@code defaults()}; also the source of a component that nothing sets. */
    record Default() implements Source {
        @Override
        public String toString() {
            return "default";
        }
    }

    /**
     * A position in a YAML file: {@code line} and {@code column} count from 1 (as editors do); both are 0 when the
     * problem concerns the file as a whole (missing, unreadable). Shown as {@code app.yaml:12:9}: the file's name
     * without its folder, or just {@code app.yaml} without a position.
     */
    record File(Path path, int line, int column) implements Source {
        public File {
            Objects.requireNonNull(path, "path");
            if (line < 0 || column < 0) {
                throw new IllegalArgumentException("line and column count from 1 (0: no position), got "
                        + line + ":" + column);
            }
        }

        /** The file as a whole, without a position. */
        public static File of(Path path) {
            return new File(path, 0, 0);
        }

        @Override
        public String toString() {
            Path name = path.getFileName();
            String shown = name == null ? path.toString() : name.toString();
            return line == 0 ? shown : shown + ":" + line + ":" + column;
        }
    }

    /** An environment variable, named exactly as it appears in the environment, e.g. {@code APP_SERVER__PORT}. */
    record Env(String variable) implements Source {
        public Env {
            Objects.requireNonNull(variable, "variable");
        }

        @Override
        public String toString() {
            return "env " + variable;
        }
    }

    /**
     * A command-line flag, named as the user wrote it without its value: {@code --server.port} for both
     * {@code --server.port=80} and {@code --server.port 80}.
     */
    record Flag(String flag) implements Source {
        public Flag {
            Objects.requireNonNull(flag, "flag");
        }

        @Override
        public String toString() {
            return "flag " + flag;
        }
    }
}
