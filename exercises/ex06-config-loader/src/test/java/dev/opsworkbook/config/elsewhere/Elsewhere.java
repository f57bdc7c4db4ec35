package dev.opsworkbook.config.elsewhere;

/** Hands the suite (in another package) the type of {@link ElsewhereApp}, which it cannot name. */
public final class Elsewhere {

    private Elsewhere() {
    }

    public static Class<? extends Record> appType() {
        return ElsewhereApp.class;
    }
}
