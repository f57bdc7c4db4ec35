package dev.opsworkbook.testing;

import java.util.concurrent.CountDownLatch;

/** A child-JVM main for ChildJvmTest: reports itself, then waits for SIGTERM (or exits with args[0]). */
public final class SleepyMain {

    private SleepyMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("exit")) {
            System.err.println("exiting with " + args[1]);
            System.exit(Integer.parseInt(args[1]));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutting down")));
        System.out.println("maxMemory=" + Runtime.getRuntime().maxMemory());
        System.out.println("args=" + String.join(",", args));
        System.out.println("ready");
        new CountDownLatch(1).await();
    }
}
