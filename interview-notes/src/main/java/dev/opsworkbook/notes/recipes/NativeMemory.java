package dev.opsworkbook.notes.recipes;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Q45: finding where memory goes, the JVM's answer to Python's {@code tracemalloc}: heap peaks from the memory
 * pools, and native memory by category from Native Memory Tracking (NMT), read in-process through the same
 * diagnostic command that {@code jcmd <pid> VM.native_memory summary} runs. Heap allocation sites: JFR (Q14).
 */
public final class NativeMemory {

    private NativeMemory() {
    }

    // @start region=nmt
    /** {@code jcmd <pid> VM.native_memory summary}, from inside; needs {@code -XX:NativeMemoryTracking=summary}. */
    static String nativeMemorySummary() throws JMException {
        ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(diagnostics, "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
    }

    /** The committed KB of one NMT category, e.g. "Other" (direct buffers) or "Thread". */
    static long committedKb(String summary, String category) {
        Matcher m = Pattern.compile("-\\s+" + Pattern.quote(category) + " \\(reserved=\\d+KB, committed=(\\d+)KB")
                .matcher(summary);
        if (!m.find()) {
            throw new IllegalArgumentException("no NMT category '" + category + "' in:\n" + summary);
        }
        return Long.parseLong(m.group(1));
    }

    /** The peak of the heap since start: tracemalloc's "peak", summed over the heap pools. */
    static long heapPeakBytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage).mapToLong(u -> u.getUsed()).sum();
    }
    // @end region=nmt

    /** Allocates {@code args[0]} MiB of direct buffers, then prints the NMT "Other" line and the heap peak. */
    public static void main(String[] args) throws JMException {
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[0]); i++) {
            held.add(ByteBuffer.allocateDirect(1 << 20));  // off-heap: invisible to heap dumps and -Xmx
        }
        String summary = nativeMemorySummary();
        System.out.println("otherCommittedKb=" + committedKb(summary, "Other"));
        System.out.println("heapPeakBytes=" + heapPeakBytes());
        System.out.println("buffers=" + held.size());
    }
}
