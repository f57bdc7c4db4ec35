package dev.opsworkbook.notes.observability;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Q6: structured logs: key-values instead of string soup, and a request id on every line of a request. */
public final class RequestLogging {

    private static final Logger log = LoggerFactory.getLogger(RequestLogging.class);

    private RequestLogging() {
    }

    // @start region=handle
    /** Handles one request: every line logged inside carries its request id (MDC) and typed fields. */
    static int handle(String incomingRequestId, String path) {
        String requestId = incomingRequestId != null ? incomingRequestId : UUID.randomUUID().toString();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("request_id", requestId)) {
            long start = System.nanoTime();
            int status = path.startsWith("/admin") ? 403 : 200;
            log.atInfo()
                    .addKeyValue("path", path)
                    .addKeyValue("status", status)              // a number in JSON, not text
                    .addKeyValue("duration_ms", (System.nanoTime() - start) / 1_000_000)
                    .log("request served");
            return status;
        } // the MDC entry is removed even if the handler throws: no id bleeding into the next request
    }
    // @end region=handle

    // @start region=mdc-propagation
    /** MDC is thread-local: copy it into tasks that run on other threads (pools, virtual threads). */
    static <T> Future<T> submitWithMdc(ExecutorService executor, Callable<T> task) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return executor.submit(() -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            if (context != null) {
                MDC.setContextMap(context);
            }
            try {
                return task.call();
            } finally {
                if (previous != null) {
                    MDC.setContextMap(previous);
                } else {
                    MDC.clear();                                // pooled threads are reused
                }
            }
        });
    }
    // @end region=mdc-propagation

    static void logBackgroundStep(String step) {
        log.atInfo().addKeyValue("step", step).log("background step");
    }
}
