package dev.opsworkbook.compress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by the default-threads test in a child JVM started with {@code -XX:ActiveProcessorCount=N}: compresses
 * {@code args[1..]} with the default settings ({@code threads} 0) while the first {@code args[0]} calls of
 * {@code openInput} wait (at most 10 s) until that many inputs are open at once, and a second more (see
 * {@link ScriptedFileOps#rendezvous}), then prints {@code MAX_OPEN <most inputs open at once>}.
 */
public final class ThreadsMain {

    private ThreadsMain() {
    }

    public static void main(String[] args) throws Exception {
        ScriptedFileOps ops = new ScriptedFileOps();
        ops.rendezvous = Integer.parseInt(args[0]);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            files.add(Path.of(args[i]));
        }
        Report report = new ParallelCompressor(Settings.builder().fileOps(ops).build()).compress(files);
        System.out.println("MAX_OPEN " + ops.maxOpen.get() + " OK " + report.count(FileResult.Status.OK)
                + " PROCESSORS " + Runtime.getRuntime().availableProcessors());
    }
}
