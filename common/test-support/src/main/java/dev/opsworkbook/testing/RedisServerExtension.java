package dev.opsworkbook.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link RealRedis}: one {@link TestRedis} per top-level test class, shared by its
 * {@code @Nested} classes, started before the first test and closed (server stopped, directory deleted) when the
 * class's tests are done, through the class's extension store. Before each test: restart if a test stopped it,
 * {@code FLUSHALL}, {@code CONFIG RESETSTAT}.
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            RedisServerExtension.class);
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        TestRedis redis = server(context);
        if (redis.source() != TestRedis.Source.URL && !redis.isRunning()) {
            redis.restart();
        }
        redis.flushAll();
        redis.resetStats();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestRedis.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    /** The server of the outermost test class of {@code context}, started on first use. */
    static TestRedis server(ExtensionContext context) {
        ExtensionContext owner = context;
        while (owner.getParent().isPresent() && owner.getParent().get().getTestClass().isPresent()) {
            owner = owner.getParent().get();
        }
        return owner.getStore(NAMESPACE).computeIfAbsent(TestRedis.class, k -> {
            TestRedis redis = TestRedis.launch();
            if (ANNOUNCED.compareAndSet(false, true)) {
                System.err.println("[real-redis] " + redis.describe());
            }
            return redis;
        }, TestRedis.class);
    }
}
