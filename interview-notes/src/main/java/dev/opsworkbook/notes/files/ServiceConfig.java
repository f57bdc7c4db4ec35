package dev.opsworkbook.notes.files;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Q17: a config model as a record: invariants in the constructor, input validation with Bean Validation. */
public final class ServiceConfig {

    private ServiceConfig() {
    }

    // @start region=record
    public record Settings(
            @NotBlank(message = "name must not be blank")
            @Pattern(regexp = "[a-z][a-z0-9-]{0,62}", message = "name '${validatedValue}' must be a DNS label")
            String name,
            @Min(value = 1, message = "qps must be at least {value}, got ${validatedValue}")
            @Max(value = 10_000, message = "qps must be at most {value}, got ${validatedValue}")
            int qps,
            @NotEmpty(message = "at least one upstream is required")
            List<@Pattern(regexp = "https?://\\S+", message = "upstream '${validatedValue}' is not an http(s) URL")
                    String> upstreams,
            Duration timeout) {

        public Settings {
            // Invariants that must hold for every instance, validated or not: fail fast, no nulls.
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            upstreams = upstreams == null ? List.of() : List.copyOf(upstreams); // immutable, defensive copy
        }
    }
    // @end region=record

    // @start region=validate
    private static final ValidatorFactory FACTORY = Validation.buildDefaultValidatorFactory(); // expensive: once

    /** Every violation, as "field: message", sorted: report them all at once, not one per restart. */
    public static Set<String> violations(Settings settings) {
        Validator validator = FACTORY.getValidator();
        Set<String> out = new TreeSet<>();
        for (ConstraintViolation<Settings> v : validator.validate(settings)) {
            out.add(v.getPropertyPath() + ": " + v.getMessage());
        }
        return out;
    }
    // @end region=validate
}
