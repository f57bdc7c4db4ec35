package dev.opsworkbook.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of the service {@code ConfigMain} checks: what its {@code app.yaml}, its {@code APP_}
 * environment variables and its flags may set.
 */
public record AppConfig(@Valid @NotNull Server server, @Valid @NotNull Database database, @NotNull LogLevel logLevel,
                        @NotNull List<String> features) {

    /** How much the service logs. */
    public enum LogLevel { ERROR, WARN, INFO, DEBUG }

    /** The HTTP listener. */
    public record Server(@NotBlank String host, @Min(1) @Max(65535) int port, @NotNull Duration shutdownTimeout) {
    }

    /** The connection pool. {@code password} is a {@link Secret} with no default (it must be set:
     * {@code @NotNull}); {@code url} may carry a password too. */
    public record Database(@NotNull URI url, @NotBlank String user, @NotNull @Nullable Secret password,
                           @Min(1) @Max(100) int maxPoolSize, @NotNull Duration connectTimeout) {
    }

    /** The values in force when nothing else sets them. The password has no default: it must be given. */
    public static AppConfig defaults() {
        return new AppConfig(
                new Server("0.0.0.0", 8080, Duration.ofSeconds(30)),
                new Database(URI.create("postgres://db:5432/app"), "app", null, 10, Duration.ofSeconds(5)),
                LogLevel.INFO, List.of());
    }
}
