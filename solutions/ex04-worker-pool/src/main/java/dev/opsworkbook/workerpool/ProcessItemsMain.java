package dev.opsworkbook.workerpool;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A batch job on a {@link WorkerPool} that a container stop (SIGTERM) cannot make lose track of an item.
 *
 * <pre>
 * java dev.opsworkbook.workerpool.ProcessItemsMain OUTPUT ITEMS WORKERS QUEUE_CAPACITY WORK_MS DEADLINE_MS
 * </pre>
 *
 * <ul>
 *   <li>Processes the items {@code item-1} ... {@code item-ITEMS}, submitted in that order, with
 *       {@code WORKERS} platform workers and a queue of {@code QUEUE_CAPACITY}. Processing an item takes
 *       {@code WORK_MS} ms (an interruptible sleep), then appends the item's name and a newline to
 *       {@code OUTPUT} (created or truncated at start), flushed at once.</li>
 *   <li>Prints {@code STARTED} once it is ready for SIGTERM.</li>
 *   <li>When every item is done, or on SIGTERM, shuts the pool down with a deadline of {@code DEADLINE_MS}
 *       ms, and then prints the report: one line
 *       {@code REPORT submitted=S completed=C failed=F interrupted=I unstarted=U abandoned=A}, then the lines
 *       {@code INTERRUPTED}, {@code UNSTARTED} and {@code ABANDONED}, each followed by its items separated by
 *       single spaces. Nothing is appended to {@code OUTPUT} after the report.</li>
 *   <li>Exit status: 0 when all items were processed, 143 after SIGTERM (the JVM's own), 2 for bad
 *       arguments: not exactly six, or a number out of range (with a usage message on stderr, before
 *       anything starts: {@code OUTPUT} is not created).</li>
 * </ul>
 *
 * <p>So after any run, every item that was submitted is either a line of {@code OUTPUT} or listed in the
 * report, and the report's {@code completed} is the number of lines of {@code OUTPUT} (abandoned items,
 * whose outcome is unknown, excepted).
 */
public final class ProcessItemsMain {

    private ProcessItemsMain() {
    }

    public static void main(String[] args) throws Exception {
        int[] numbers = parse(args);
        if (numbers == null) {
            System.err.println("usage: ProcessItemsMain OUTPUT ITEMS WORKERS QUEUE_CAPACITY WORK_MS DEADLINE_MS"
                    + " (numbers: ITEMS and WORK_MS >= 0, the others > 0)");
            System.exit(2);
            return;
        }
        int items = numbers[0];
        int workMs = numbers[3];
        Duration deadline = Duration.ofMillis(numbers[4]);
        OutputFile output = new OutputFile(Path.of(args[0]));
        WorkerPool<String> pool = WorkerPool.<String>builder(item -> {
            Thread.sleep(workMs);
            output.append(item);
        }).workers(numbers[1]).queueCapacity(numbers[2]).name("items").start();

        Finish finish = new Finish(pool, output, deadline);
        // SIGTERM runs the shutdown hooks: drain within the deadline, report, then the JVM exits (143).
        Runtime.getRuntime().addShutdownHook(new Thread(finish::run, "drain-on-sigterm"));
        System.out.println("STARTED");
        try {
            for (int i = 1; i <= items; i++) {
                pool.submit("item-" + i);
            }
            pool.awaitIdle();
        } catch (IllegalStateException e) {
            // SIGTERM came first: the hook shuts the pool down and reports; finish.run() below waits for it.
        }
        finish.run();
    }

    /** ITEMS, WORKERS, QUEUE_CAPACITY, WORK_MS, DEADLINE_MS; null if the arguments are wrong. */
    private static int @Nullable [] parse(String[] args) {
        if (args.length != 6 || args[0].isBlank()) {
            return null;
        }
        int[] n = new int[5];
        try {
            for (int i = 0; i < 5; i++) {
                n[i] = Integer.parseInt(args[i + 1]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        boolean valid = n[0] >= 0 && n[1] > 0 && n[2] > 0 && n[3] >= 0 && n[4] > 0;
        return valid ? n : null;
    }

    /** Shuts down and reports exactly once, whichever of main and the SIGTERM hook gets there first. */
    private record Finish(WorkerPool<String> pool, OutputFile output, Duration deadline) {
        void run() {
            synchronized (this) {
                if (output.isClosed()) {
                    return;
                }
                ShutdownReport<String> r = pool.shutdown(deadline);
                // Closed before reporting: an abandoned item that ends later cannot add a line the report denies.
                output.close();
                System.out.println("REPORT submitted=" + r.submitted() + " completed=" + r.completed()
                        + " failed=" + r.failed() + " interrupted=" + r.interrupted().size()
                        + " unstarted=" + r.unstarted().size() + " abandoned=" + r.abandoned().size());
                System.out.println(line("INTERRUPTED", r.interrupted()));
                System.out.println(line("UNSTARTED", r.unstarted()));
                System.out.println(line("ABANDONED", r.abandoned()));
                System.out.flush();
            }
        }

        private static String line(String label, List<String> items) {
            return items.isEmpty() ? label : label + " " + String.join(" ", items);
        }
    }

    /** The output file: one line per processed item, flushed at once; closed for good by the report. */
    private static final class OutputFile {
        private final BufferedWriter writer;
        private boolean closed;

        OutputFile(Path path) throws IOException {
            writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        }

        synchronized void append(String item) throws IOException {
            if (closed) {
                return;
            }
            writer.write(item);
            writer.newLine();
            writer.flush();
        }

        synchronized boolean isClosed() {
            return closed;
        }

        synchronized void close() {
            closed = true;
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
