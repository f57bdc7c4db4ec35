package dev.opsworkbook.notes.files;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Q15: scanning a file much larger than the heap. Run: {@code LargeFileScan stream|readAll FILE NEEDLE};
 * prints {@code matches=N} or {@code OutOfMemoryError}.
 */
public final class LargeFileScan {

    private LargeFileScan() {
    }

    // @start region=stream
    /** Lazy: one line in memory at a time. The stream holds an open file, so close it. */
    static long countMatching(Path log, String needle) throws IOException {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(needle)).count();
        }
    }

    /** The same, as an explicit loop: useful when you need state across lines (multi-line records). */
    static long countMatchingLoop(Path log, String needle) throws IOException {
        long n = 0;
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.contains(needle)) {
                    n++;
                }
            }
        }
        return n;
    }
    // @end region=stream

    // @start region=read-all
    /** Eager: the whole file becomes Strings on the heap. Fine for a config file, fatal for a 10 GB log. */
    static long countMatchingReadAll(Path log, String needle) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return all.stream().filter(line -> line.contains(needle)).count();
    }
    // @end region=read-all

    public static void main(String... args) {
        try {
            long n = switch (args[0]) {
                case "stream" -> countMatching(Path.of(args[1]), args[2]);
                case "loop" -> countMatchingLoop(Path.of(args[1]), args[2]);
                default -> countMatchingReadAll(Path.of(args[1]), args[2]);
            };
            System.out.println("matches=" + n);
        } catch (OutOfMemoryError e) {
            System.out.println("OutOfMemoryError");
            System.exit(3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
