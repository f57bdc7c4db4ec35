package dev.opsworkbook.config;

/**
 * The command line of a service's configuration, {@link AppConfig}: checks it, or prints it with the source of
 * every value.
 *
 * <pre>
 * java dev.opsworkbook.config.ConfigMain [--config FILE]
 *     (--validate-only | --print-effective-config [--format text|json]) [--key=value ...]
 * </pre>
 *
 * <p>Reads the real environment (prefix {@code APP_}); every argument that is not one of the options above is a
 * configuration flag. Exit status: 0 valid; 1 invalid, with every problem on stderr; 2 usage error, on stderr.
 * Output contract: the exercise README, task 4.
 */
public final class ConfigMain {

    private ConfigMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Does what {@link #main} does and returns the exit status instead of exiting. */
    public static int run(String... args) {
        throw new UnsupportedOperationException("TODO ConfigMain.run");
    }
}
