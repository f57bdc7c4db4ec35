package dev.opsworkbook.workerpool;

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
        throw new UnsupportedOperationException("TODO: the batch job on a WorkerPool, with a SIGTERM hook (task 4)");
    }
}
