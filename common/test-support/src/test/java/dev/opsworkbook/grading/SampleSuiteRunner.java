package dev.opsworkbook.grading;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs one sample suite the way surefire runs a real one (listener found through ServiceLoader, the
 * parent POM's grading parameters), in a JVM of its own so it may exit or spin without harm.
 */
public final class SampleSuiteRunner {
    private SampleSuiteRunner() {
    }

    /** {@code SampleSuiteRunner SUITE_CLASS RESULTS_FILE}. */
    public static void main(String[] args) {
        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(args[0]))
                .configurationParameter(GradingListener.RESULTS_FILE, args[1])
                .configurationParameter(GradingListener.SLUG, "sample")
                .configurationParameter("junit.jupiter.execution.timeout.default", "1 s")
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .configurationParameter("junit.jupiter.testmethod.order.default", SourceOrder.class.getName())
                .configurationParameter("junit.jupiter.testclass.order.default", SourceOrder.class.getName())
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
                .configurationParameter("junit.platform.output.capture.stdout", "true")
                .configurationParameter("junit.platform.output.capture.stderr", "true")
                .build();
        LauncherFactory.create().execute(request);
        System.exit(0); // a runaway test thread must not keep this JVM alive
    }
}
