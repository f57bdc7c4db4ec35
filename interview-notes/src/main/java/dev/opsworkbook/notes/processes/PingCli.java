package dev.opsworkbook.notes.processes;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

// @start region=command
/** Q4: a small CLI with typed, required and defaulted options, help, and meaningful exit codes. */
@Command(name = "ops-probe", mixinStandardHelpOptions = true, version = "ops-probe 1.0",
        description = "Probes a target at a fixed rate.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:probe ran", "1:the config file is unreadable", "2:invalid usage"})
@SuppressWarnings("NullAway.Init") // picocli sets the annotated fields before call()
public final class PingCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Config file (must exist).")
    Path config;

    @Option(names = "--qps", defaultValue = "100", description = "Requests per second (default: ${DEFAULT-VALUE}).")
    int qps;

    @Option(names = "--timeout", defaultValue = "PT2S", converter = DurationConverter.class,
            description = "Per-request timeout, e.g. 500ms, 2s, PT1M (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        if (qps < 1 || qps > 10_000) {   // picocli types the value; the range is ours to check
            throw new CommandLine.ParameterException(spec.commandLine(), "--qps must be in 1..10000, got " + qps);
        }
        if (!Files.isReadable(config)) {
            spec.commandLine().getErr().println("cannot read config " + config);
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();   // not System.out: testable, redirectable
        out.printf("probing with qps=%d timeout=%dms config=%s%n", qps, timeout.toMillis(), config);
        return 0;
    }

    /** Accepts ISO-8601 (PT2S) and the short forms people type (500ms, 2s, 1m). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(value);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMinutes(n);
                };
            }
            return Duration.parse(value); // throws: picocli turns it into "Invalid value for option"
        }
    }

    public static void main(String... args) {
        System.exit(new CommandLine(new PingCli()).execute(args)); // 0 ok, 1 our error, 2 usage
    }
}
// @end region=command
