package dev.opsworkbook.notes.observability;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Q14: profiling from code with JFR: record, dump, read the events back, and rank the hot spots. */
public final class AllocationHotSpots {

    private AllocationHotSpots() {
    }

    // @start region=record
    /** Runs {@code workload} under a JFR recording and returns the recording file. */
    static Path record(Runnable workload, Path file) throws IOException {
        try (Recording recording = new Recording()) {
            // Allocations that open a new TLAB or bypass TLABs (large arrays) are events with a stack trace;
            // small ones inside a TLAB are not, so these events are a sample weighted towards big allocators.
            recording.enable("jdk.ObjectAllocationInNewTLAB").withStackTrace();
            recording.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            workload.run();
            recording.stop();
            recording.dump(file);            // the same file `jcmd <pid> JFR.dump` writes; open it in JMC
        }
        return file;
    }

    /** Sampled allocated bytes by the top application frame (method), largest first. */
    static Map<String, Long> allocationsByMethod(Path jfrFile, String packagePrefix) throws IOException {
        Map<String, Long> bytes = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfrFile)) {
            if (!e.getEventType().getName().startsWith("jdk.ObjectAllocation") || e.getStackTrace() == null) {
                continue;
            }
            e.getStackTrace().getFrames().stream()
                    .filter(RecordedFrame::isJavaFrame)
                    .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName())
                    .filter(m -> m.startsWith(packagePrefix))
                    .findFirst()
                    .ifPresent(m -> bytes.merge(m, e.getLong("allocationSize"), Long::sum));
        }
        return sortedByValue(bytes);
    }
    // @end region=record

    private static Map<String, Long> sortedByValue(Map<String, Long> map) {
        Map<String, Long> out = new LinkedHashMap<>();
        map.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .forEach(en -> out.put(en.getKey(), en.getValue()));
        return out;
    }

    /** A workload with a planted hot spot: {@link #buildReport} allocates far more than {@link #parseLine}. */
    static long workload() {
        long checksum = 0;
        for (int i = 0; i < 200; i++) {
            checksum += parseLine("GET /healthz 200 " + i).size();
            if (i % 2 == 0) {
                checksum += buildReport(i).length;
            }
        }
        return checksum;
    }

    static List<String> parseLine(String line) {
        return List.of(line.split(" "));
    }

    static byte[] buildReport(int i) {
        byte[] report = new byte[4 << 20];   // 4 MiB per call: the planted hot spot
        report[i % report.length] = 1;
        return report;
    }
}
