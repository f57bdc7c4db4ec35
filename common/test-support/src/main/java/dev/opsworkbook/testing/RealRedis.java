package dev.opsworkbook.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class (and its {@code @Nested} classes) one real Redis server, see {@link TestRedis}.
 * Tests, {@code @BeforeEach} methods and constructors receive it as a {@link TestRedis} parameter; each test starts
 * with a running server, an empty database ({@code FLUSHALL}) and reset counters ({@code CONFIG RESETSTAT}).
 *
 * <pre>{@code
 * @RealRedis
 * class CacheTest {
 *     @Test
 *     void oneGet(TestRedis redis) {
 *         ... connect to redis.host(), redis.port() ...
 *         assertThat(redis.calls("get")).isEqualTo(1);
 *     }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RedisServerExtension.class)
public @interface RealRedis {
}
