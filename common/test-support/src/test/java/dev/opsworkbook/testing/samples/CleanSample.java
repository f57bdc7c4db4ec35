package dev.opsworkbook.testing.samples;

import dev.opsworkbook.testing.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Run by LeakCheckTest through the launcher: @ExtendWith(LeakCheck.class) on a class that leaks nothing. */
@ExtendWith(LeakCheck.class)
public class CleanSample {

    @Test
    void runsAProcessAndClosesEverything() throws Exception {
        Process p = new ProcessBuilder("echo", "hi").start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        p.getInputStream().close();
        p.getErrorStream().close();
        p.getOutputStream().close();
    }
}
