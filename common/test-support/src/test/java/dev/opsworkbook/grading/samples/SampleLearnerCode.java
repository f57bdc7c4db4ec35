package dev.opsworkbook.grading.samples;

/** Stands in for a learner's code in the golden tests of the report. */
final class SampleLearnerCode {
    private SampleLearnerCode() {
    }

    static int add(int a, int b) {
        return a + b;
    }

    static String greet(String name) {
        return "Hello, " + name;
    }

    static int multiply(int a, int b) {
        throw new UnsupportedOperationException("TODO: multiply the numbers");
    }

    static void quitEarly() {
        System.exit(0);
    }

    @SuppressWarnings("InfiniteLoopStatement")
    static void spinForever() {
        long n = 0;
        while (true) {
            n++; // ignores interrupts, like a real runaway loop
        }
    }
}
