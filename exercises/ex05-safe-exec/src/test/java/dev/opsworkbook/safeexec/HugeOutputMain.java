package dev.opsworkbook.safeexec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Runs in a child JVM with a small heap (see {@code SafeExecTest}): runs {@code args[0]} (a script that
 * writes {@code args[1]} bytes to stdout and {@code args[2]} bytes to stderr) with a cap of
 * {@code args[3]} bytes per stream, and prints one {@code RESULT key=value ...} line.
 */
public final class HugeOutputMain {

    private HugeOutputMain() {
    }

    public static void main(String[] args) throws Exception {
        ExecRequest request = ExecRequest.builder(args[0], args[1], args[2])
                .maxOutputBytes(Integer.parseInt(args[3]))
                .timeout(Duration.ofSeconds(40))
                .killGrace(Duration.ofMillis(500))
                .build();
        ExecResult result = new SafeExec().run(request);
        Runtime rt = Runtime.getRuntime();
        System.out.println("RESULT"
                + " exit=" + result.exitCode()
                + " timedOut=" + result.timedOut()
                + " stdoutKept=" + result.stdout().bytes().length
                + " stdoutDropped=" + result.stdout().droppedBytes()
                + " stderrKept=" + result.stderr().bytes().length
                + " stderrDropped=" + result.stderr().droppedBytes()
                + " stdoutStart=" + new String(Arrays.copyOf(result.stdout().bytes(),
                        Math.min(4, result.stdout().bytes().length)), StandardCharsets.US_ASCII)
                + " heapUsedMiB=" + (rt.totalMemory() - rt.freeMemory()) / (1 << 20)
                + " maxHeapMiB=" + rt.maxMemory() / (1 << 20));
    }
}
