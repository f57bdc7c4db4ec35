package dev.opsworkbook.config;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a configuration record looks like: its components, their value types, which are secret, and how to build
 * one. Computed once per record class (reflection is the slow part of binding).
 */
final class Schema {

    /** The scalar types a component (or a list element) may have. */
    private static final Set<Class<?>> SCALARS = Set.of(String.class, Secret.class, int.class, Integer.class,
            long.class, Long.class, double.class, Double.class, boolean.class, Boolean.class, Duration.class,
            Path.class, URI.class);

    /**
     * Off only for mutation testing (the solution's POM sets it for PIT): PIT runs many mutants one after the other in
     * one JVM, and a schema built before a mutant was swapped in would hide that mutant.
     */
    private static final boolean CACHING = !Boolean.getBoolean("opsworkbook.config.noCache");

    private static final Function<Class<?>, RecordSchema> SCHEMAS = perClass(type -> build(type, new ArrayList<>()));

    private Schema() {
    }

    /** The schema of {@code type}; throws IllegalArgumentException naming the component it cannot bind. */
    static RecordSchema of(Class<?> type) {
        return SCHEMAS.apply(type);
    }

    /** {@code compute}, called once per class and remembered (a {@link ClassValue} lets unloaded classes go). */
    static <T> Function<Class<?>, T> perClass(Function<Class<?>, T> compute) {
        if (!CACHING) {
            return compute;
        }
        ClassValue<T> values = new ClassValue<>() {
            @Override
            protected T computeValue(Class<?> type) {
                return compute.apply(type);
            }
        };
        return values::get;
    }

    /** A record type: components in declaration order, indexed by normalized name. */
    record RecordSchema(Class<?> type, List<Component> components, Map<String, Component> byName,
                        MethodHandle constructor, @Nullable MethodHandle defaults) {

        /** {@code constructor} taking its arguments as one Object[]: invokeWithArguments would adapt it per call. */
        RecordSchema {
            constructor = constructor.asType(constructor.type().generic()).asSpreader(Object[].class,
                    components.size());
        }

        @Nullable Component component(String normalizedName) {
            return byName.get(normalizedName);
        }

        /** The record's own defaults() instance, or null if it has none. */
        @Nullable Object defaultsInstance() {
            if (defaults == null) {
                return null;
            }
            try {
                return defaults.invoke();
            } catch (Throwable e) {
                throw new IllegalStateException(type.getSimpleName() + ".defaults() failed: " + e, e);
            }
        }

        Object construct(Object[] values) throws Throwable {
            return constructor.invoke(values);
        }
    }

    /** What kind of value a component holds. */
    enum Kind { SCALAR, RECORD, SCALAR_LIST, RECORD_LIST }

    /**
     * One record component. {@code valueType} is the component's class, or the element class of a list.
     * {@code nested} is the record schema of a RECORD or RECORD_LIST component.
     */
    record Component(String name, String kebab, Kind kind, Class<?> valueType, boolean secret,
                     @Nullable RecordSchema nested, MethodHandle accessor) {

        boolean primitive() {
            return kind == Kind.SCALAR && valueType.isPrimitive();
        }
    }

    private static RecordSchema build(Class<?> type, List<Class<?>> path) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        if (path.contains(type)) {
            throw new IllegalArgumentException(type.getName() + " contains itself");
        }
        path.add(type);
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RecordComponent[] rcs = type.getRecordComponents();
            List<Component> components = new ArrayList<>();
            Map<String, Component> byName = new LinkedHashMap<>();
            Class<?>[] types = new Class<?>[rcs.length];
            for (int i = 0; i < rcs.length; i++) {
                RecordComponent rc = rcs[i];
                types[i] = rc.getType();
                Component c = component(type, rc, path, lookup);
                components.add(c);
                byName.put(Names.normalize(c.name()), c);
            }
            var ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true); // records of an application are often package-private
            return new RecordSchema(type, List.copyOf(components), Map.copyOf(byName), lookup.unreflectConstructor(ctor),
                    defaultsMethod(type, lookup));
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot bind " + type.getName() + ": " + e, e);
        } finally {
            path.removeLast();
        }
    }

    private static Component component(Class<?> owner, RecordComponent rc, List<Class<?>> path,
                                       MethodHandles.Lookup lookup) throws IllegalAccessException {
        Method accessor = rc.getAccessor();
        accessor.setAccessible(true);
        MethodHandle handle = lookup.unreflect(accessor);
        String name = rc.getName();
        Class<?> raw = rc.getType();
        boolean secretName = Names.looksSecret(name);
        if (raw == List.class) {
            Type generic = rc.getGenericType();
            if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> element) {
                if (element.isRecord()) {
                    return new Component(name, Names.kebab(name), Kind.RECORD_LIST, element, secretName,
                            build(element, path), handle);
                }
                if (isScalar(element) && !element.isPrimitive()) {
                    return new Component(name, Names.kebab(name), Kind.SCALAR_LIST, element,
                            secretName || element == Secret.class, null, handle);
                }
            }
            throw unsupported(owner, rc);
        }
        if (raw.isRecord()) {
            return new Component(name, Names.kebab(name), Kind.RECORD, raw, false, build(raw, path), handle);
        }
        if (isScalar(raw)) {
            return new Component(name, Names.kebab(name), Kind.SCALAR, raw, secretName || raw == Secret.class, null,
                    handle);
        }
        throw unsupported(owner, rc);
    }

    private static boolean isScalar(Class<?> type) {
        return SCALARS.contains(type) || type.isEnum();
    }

    private static IllegalArgumentException unsupported(Class<?> owner, RecordComponent rc) {
        return new IllegalArgumentException(owner.getSimpleName() + "." + rc.getName() + " has type "
                + rc.getGenericType().getTypeName() + ", which a configuration cannot hold");
    }

    private static @Nullable MethodHandle defaultsMethod(Class<?> type, MethodHandles.Lookup lookup)
            throws IllegalAccessException {
        try {
            Method m = type.getDeclaredMethod("defaults");
            if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != type) {
                return null;
            }
            m.setAccessible(true);
            return lookup.unreflect(m);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
