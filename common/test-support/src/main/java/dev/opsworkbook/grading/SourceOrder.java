package dev.opsworkbook.grading;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;

/**
 * Runs (and reports) tests in the order they are written, so that a learner meets task 1 before
 * task 4. JUnit's default order is deterministic but not source order, and reflection does not
 * promise declaration order either, so this reads the line numbers javac writes into each class file.
 */
public final class SourceOrder implements MethodOrderer, ClassOrderer {

    private static final Map<Class<?>, Map<String, Integer>> LINES = new ConcurrentHashMap<>();

    @Override
    public void orderMethods(MethodOrdererContext context) {
        context.getMethodDescriptors().sort(Comparator.comparingInt(d -> line(d.getMethod())));
    }

    @Override
    public void orderClasses(ClassOrdererContext context) {
        // Top-level classes by name; @Nested classes of one file by where they start.
        context.getClassDescriptors().sort(Comparator
                .comparing((org.junit.jupiter.api.ClassDescriptor d) -> topLevel(d.getTestClass()).getName())
                .thenComparingInt(d -> firstLine(d.getTestClass())));
    }

    /** The first source line of {@code method}, or {@link Integer#MAX_VALUE} when unknown. */
    public static int line(Method method) {
        String key = method.getName() + MethodType.methodType(method.getReturnType(), method.getParameterTypes())
                .toMethodDescriptorString();
        return LINES.computeIfAbsent(method.getDeclaringClass(), SourceOrder::readLines)
                .getOrDefault(key, Integer.MAX_VALUE);
    }

    /** The first source line of any method (constructors included) of {@code type}. */
    public static int firstLine(Class<?> type) {
        return LINES.computeIfAbsent(type, SourceOrder::readLines).values().stream()
                .mapToInt(Integer::intValue).min().orElse(Integer.MAX_VALUE);
    }

    static Class<?> topLevel(Class<?> type) {
        Class<?> c = type;
        while (c.getEnclosingClass() != null) {
            c = c.getEnclosingClass();
        }
        return c;
    }

    private static Map<String, Integer> readLines(Class<?> type) {
        String resource = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            return in == null ? Map.of() : parse(new DataInputStream(in));
        } catch (IOException | RuntimeException e) {
            return Map.of(); // No line table: fall back to JUnit's own order for this class.
        }
    }

    /** Reads method name+descriptor → smallest line number from a class file (JVMS §4). */
    private static Map<String, Integer> parse(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            return Map.of();
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // longs and doubles take two slots
                }
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.skipNBytes(6); // access flags, this class, super class
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        int fields = in.readUnsignedShort();
        for (int i = 0; i < fields; i++) {
            in.skipNBytes(6);
            skipAttributes(in);
        }
        Map<String, Integer> lines = new HashMap<>();
        int methods = in.readUnsignedShort();
        for (int i = 0; i < methods; i++) {
            in.skipNBytes(2);
            String name = utf8[in.readUnsignedShort()];
            String descriptor = utf8[in.readUnsignedShort()];
            int first = Integer.MAX_VALUE;
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if (!"Code".equals(attribute)) {
                    in.skipNBytes(length);
                    continue;
                }
                in.skipNBytes(4); // max stack, max locals
                in.skipNBytes(in.readInt()); // bytecode
                in.skipNBytes(8L * in.readUnsignedShort()); // exception table
                int codeAttributes = in.readUnsignedShort();
                for (int c = 0; c < codeAttributes; c++) {
                    String codeAttribute = utf8[in.readUnsignedShort()];
                    int codeLength = in.readInt();
                    if (!"LineNumberTable".equals(codeAttribute)) {
                        in.skipNBytes(codeLength);
                        continue;
                    }
                    int entries = in.readUnsignedShort();
                    for (int e = 0; e < entries; e++) {
                        in.readUnsignedShort();
                        first = Math.min(first, in.readUnsignedShort());
                    }
                }
            }
            lines.merge(name + descriptor, first, Math::min);
        }
        return lines;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.skipNBytes(2);
            in.skipNBytes(in.readInt());
        }
    }
}
