package dev.opsworkbook.compress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run by the memory test in a child JVM with a small heap: compresses every file of a directory ({@code args}: the
 * directory, threads, buffer size, level, and {@code blocks} to compress each file with {@code compressInBlocks}, its
 * blocks of 128 KiB) and prints {@code RESULT ok=<n> failed=<n> created=<n> live=<n> peak=<n>}
 * (Deflaters created, not ended, most alive at once). An OutOfMemoryError ends it with a non-zero exit.
 */
public final class MemoryMain {

    private MemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of(args[0]))) {
            files = list.sorted().toList();
        }
        CountingDeflaters deflaters = new CountingDeflaters();
        Settings settings = Settings.builder().threads(Integer.parseInt(args[1])).bufferSize(Integer.parseInt(args[2]))
                .level(Integer.parseInt(args[3])).deflaters(deflaters).build();
        ParallelCompressor compressor = new ParallelCompressor(settings);
        Report report;
        if (args.length > 4 && args[4].equals("blocks")) {
            List<FileResult> results = new ArrayList<>();
            for (Path file : files) {
                results.add(compressor.compressInBlocks(file));
            }
            report = new Report(results);
        } else {
            report = compressor.compress(files);
        }
        for (FileResult f : report.files()) {
            if (!f.ok()) {
                System.err.println("FAILED " + f.input() + ": " + f.error());
            }
        }
        System.out.println("RESULT ok=" + report.count(FileResult.Status.OK) + " failed="
                + report.count(FileResult.Status.FAILED) + " created=" + deflaters.created.get() + " live="
                + deflaters.live.get() + " peak=" + deflaters.peak.get());
    }
}
