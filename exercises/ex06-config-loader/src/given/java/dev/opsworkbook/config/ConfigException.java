package dev.opsworkbook.config;

import java.util.List;

/**
 * Everything wrong with a configuration, found in one pass: every problem of every source, not just the first.
 * The message is a count followed by one {@link ConfigProblem#toString()} line per problem.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /** {@code problems} must not be empty. */
    public ConfigException(List<ConfigProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, in the order they were found. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String message(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        StringBuilder out = new StringBuilder(problems.size() == 1 ? "1 configuration problem:"
                : problems.size() + " configuration problems:");
        for (ConfigProblem p : problems) {
            out.append("\n  ").append(p);
        }
        return out.toString();
    }
}
