package dev.opsworkbook.compress;

/**
 * The command line: {@code compress [--threads N] [--level 0-9] [--attempts N] [--output-dir DIR] [--overwrite]
 * FILE...}. See the README (Task 5) for the output and the exit codes.
 */
public final class CompressMain {

    private CompressMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Parses the arguments, compresses the files with a {@link ParallelCompressor}, shows the progress (a progress bar
     * on a terminal, {@code progress ...} lines otherwise), prints one line per file and a summary on stdout.
     *
     * @return 0 when no file failed, 1 when some file failed, 2 for a usage error (a message containing
     *         {@code usage} on stderr)
     */
    public static int run(String... args) {
        throw new UnsupportedOperationException("TODO Task 5: parse the options, compress, print, return the exit code");
    }
}
