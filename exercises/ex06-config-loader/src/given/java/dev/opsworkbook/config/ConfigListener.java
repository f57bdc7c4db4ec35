package dev.opsworkbook.config;

/** Told when a watched configuration was swapped for a new, valid one. */
@FunctionalInterface
public interface ConfigListener<R extends Record> {
    /** {@code previous} was in force until now; {@code current} is from now on. */
    void changed(Loaded<R> previous, Loaded<R> current);
}
