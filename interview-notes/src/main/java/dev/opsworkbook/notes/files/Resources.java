package dev.opsworkbook.notes.files;

import java.util.List;

/** Q16: try-with-resources: closing order, suppressed exceptions, and what try/finally gets wrong. */
public final class Resources {

    private Resources() {
    }

    /** A resource that records open/close in a journal and can be told to fail on close. */
    static final class Step implements AutoCloseable {
        private final String name;
        private final List<String> journal;
        private final boolean failOnClose;

        Step(String name, List<String> journal, boolean failOnOpen, boolean failOnClose) {
            if (failOnOpen) {
                journal.add("open failed " + name);
                throw new IllegalStateException("cannot open " + name);
            }
            this.name = name;
            this.journal = journal;
            this.failOnClose = failOnClose;
            journal.add("open " + name);
        }

        @Override
        public void close() {
            journal.add("close " + name);
            if (failOnClose) {
                throw new IllegalStateException("close failed: " + name);
            }
        }
    }

    // @start region=twr
    static void pipeline(List<String> journal, boolean bodyFails, String failingClose, String failingOpen) {
        try (Step lock = new Step("lock", journal, false, "lock".equals(failingClose));
             Step file = new Step("file", journal, "file".equals(failingOpen), "file".equals(failingClose));
             Step conn = new Step("conn", journal, false, "conn".equals(failingClose))) {
            journal.add("work");
            if (bodyFails) {
                throw new IllegalArgumentException("work failed");
            }
        } // closes conn, file, lock (reverse order), each even if an earlier close threw
    }
    // @end region=twr

    // @start region=finally-masks
    /** The pre-Java-7 way: if close() throws, it replaces the body's exception, which is lost. */
    static void pipelineWithFinally(List<String> journal) {
        Step file = new Step("file", journal, false, true);
        try {
            throw new IllegalArgumentException("work failed");
        } finally {
            file.close();   // its exception escapes; "work failed" is gone
        }
    }
    // @end region=finally-masks
}
