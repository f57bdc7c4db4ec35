package dev.opsworkbook.grading;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How many points a graded test is worth. On a class it is the default for the tests it declares
 * (and those of its {@code @Nested} classes) that carry no {@code @Points} of their own.
 *
 * <p>A test earns its points only if it passes, and a parameterized or repeated test only if every
 * invocation passes. Every exercise's suite totals 100 points.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Points {
    int value();
}
