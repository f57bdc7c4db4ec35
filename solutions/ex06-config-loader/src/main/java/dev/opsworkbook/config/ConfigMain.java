package dev.opsworkbook.config;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

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

    static final String USAGE = "usage: ConfigMain [--config FILE] (--validate-only | --print-effective-config"
            + " [--format text|json]) [--key=value | --key value ...]";

    private ConfigMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Does what {@link #main} does and returns the exit status instead of exiting. */
    public static int run(String... args) {
        PrintStream err = System.err;
        boolean validateOnly = false;
        boolean print = false;
        String format = "text";
        List<String> loaderArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--validate-only" -> validateOnly = true;
                case "--print-effective-config" -> print = true;
                case "--format" -> {
                    if (i + 1 >= args.length) {
                        return usage(err, "--format needs a value: text or json");
                    }
                    format = args[++i];
                }
                case "--config" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        return usage(err, "--config needs a file");
                    }
                    loaderArgs.add(arg);
                    loaderArgs.add(args[++i]);
                }
                default -> {
                    if (arg.startsWith("--format=")) {
                        format = arg.substring("--format=".length());
                    } else {
                        loaderArgs.add(arg);
                    }
                }
            }
        }
        if (validateOnly == print) {
            return usage(err, "give exactly one of --validate-only and --print-effective-config");
        }
        if (!format.equals("text") && !format.equals("json")) {
            return usage(err, "--format is text or json, not '" + format + "'");
        }
        Loaded<AppConfig> loaded;
        try {
            loaded = ConfigLoader.of(AppConfig.class).env(System.getenv()).args(loaderArgs.toArray(String[]::new))
                    .load();
        } catch (ConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                err.println("error: " + problem);
            }
            return 1;
        }
        if (print) {
            EffectiveConfig effective = loaded.effective();
            System.out.print(format.equals("json") ? effective.toJson() + "\n" : effective.render());
            System.out.flush();
        }
        return 0;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("error: " + problem);
        err.println(USAGE);
        return 2;
    }
}
