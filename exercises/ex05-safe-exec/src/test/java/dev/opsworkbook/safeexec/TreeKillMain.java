package dev.opsworkbook.safeexec;

import java.time.Duration;
import java.util.Arrays;

/**
 * The reference's side of {@code scripts/peers/ex05-safe-exec-timeout.sh}: runs {@code args[2..]} with a timeout of
 * {@code args[0]} ms and a kill grace of {@code args[1]} ms, inheriting this JVM's environment (the peer marks the
 * tree with a variable), and prints one {@code RESULT elapsed_ms=... timed_out=...} line.
 */
public final class TreeKillMain {

    private TreeKillMain() {
    }

    public static void main(String[] args) throws Exception {
        ExecRequest request = ExecRequest.builder(Arrays.copyOfRange(args, 2, args.length))
                .inheritEnvironment(true)
                .timeout(Duration.ofMillis(Long.parseLong(args[0])))
                .killGrace(Duration.ofMillis(Long.parseLong(args[1])))
                .build();
        ExecResult result = new SafeExec().run(request);
        System.out.println("RESULT elapsed_ms=" + result.duration().toMillis() + " timed_out=" + result.timedOut());
    }
}
