package dev.opsworkbook.compress;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/** The command line: {@code compress [options] FILE...}; see the README for the options, output and exit codes. */
public final class CompressMain {

    static final String USAGE = "usage: compress [--threads N] [--level 0-9] [--attempts N] [--output-dir DIR]"
            + " [--overwrite] FILE...";

    private CompressMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command; returns the exit code: 0 all ok, 1 some file failed, 2 usage error. */
    public static int run(String... args) {
        PrintStream out = System.out;
        Settings.Builder settings = Settings.builder();
        List<Path> files = new ArrayList<>();
        try {
            boolean options = true;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (options && arg.equals("--")) {
                    options = false;
                } else if (options && arg.equals("--overwrite")) {
                    settings.overwrite(true);
                } else if (options && arg.startsWith("--")) {
                    String value = i + 1 < args.length ? args[++i] : null;
                    switch (arg) {
                        case "--threads" -> settings.threads(positive(arg, value));
                        case "--level" -> settings.level(number(arg, value));
                        case "--attempts" -> settings.maxAttempts(positive(arg, value));
                        case "--output-dir" -> settings.outputDir(directory(value));
                        default -> throw new UsageException("unknown option " + arg);
                    }
                } else {
                    files.add(Path.of(arg));
                }
            }
            if (files.isEmpty()) {
                throw new UsageException("no files given");
            }
            boolean terminal = System.console() != null;
            try (ProgressView view = terminal ? new BarView() : new LogView(out)) {
                Report report = new ParallelCompressor(settings.listener(view).build()).compress(files);
                view.close();
                for (FileResult file : report.files()) {
                    out.println(switch (file.status()) {
                        case OK -> "ok " + file.input() + " -> " + file.output() + " (" + file.inputBytes() + " -> "
                                + file.outputBytes() + " bytes, " + file.attempts() + " attempt(s))";
                        case FAILED -> "failed " + file.input() + ": " + file.error();
                        case SKIPPED -> "skipped " + file.input();
                    });
                }
                out.printf("%d ok, %d failed, %d skipped%n", report.count(FileResult.Status.OK),
                        report.count(FileResult.Status.FAILED), report.count(FileResult.Status.SKIPPED));
                return report.allOk() ? 0 : 1;
            }
        } catch (UsageException | IllegalArgumentException e) {
            System.err.println("compress: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("compress: interrupted");
            return 1;
        }
    }

    private static int number(String option, @Nullable String value) throws UsageException {
        if (value == null) {
            throw new UsageException(option + " needs a value");
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, got " + value);
        }
    }

    private static int positive(String option, @Nullable String value) throws UsageException {
        int n = number(option, value);
        if (n < 1) {
            throw new UsageException(option + " must be at least 1, got " + n);
        }
        return n;
    }

    private static Path directory(@Nullable String value) throws UsageException {
        if (value == null || !Files.isDirectory(Path.of(value))) {
            throw new UsageException("--output-dir needs an existing directory");
        }
        return Path.of(value);
    }

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** A progress listener that is also closed when the run ends. */
    private interface ProgressView extends ProgressListener, AutoCloseable {
        @Override
        void close();
    }

    /** Not a terminal: one line per second at most, and the last state once the run ends. */
    private static final class LogView implements ProgressView {
        private static final long INTERVAL_NANOS = 1_000_000_000L;
        private final PrintStream out;
        private @Nullable Progress last;
        private long lastPrinted = System.nanoTime();
        private boolean closed;

        LogView(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void onProgress(Progress progress) {
            last = progress;
            long now = System.nanoTime();
            if (now - lastPrinted >= INTERVAL_NANOS) {
                lastPrinted = now;
                print(progress);
            }
        }

        private void print(Progress p) {
            String eta = p.eta().map(d -> d.toSeconds() + "s").orElse("?");
            out.printf(Locale.ROOT, "progress %d/%d bytes (%d%%) %.1f MB/s eta %s%n", p.bytesDone(), p.bytesTotal(),
                    p.percent(), p.bytesPerSecond() / 1e6, eta);
        }

        @Override
        public synchronized void close() {
            if (!closed && last != null) {
                print(last);
            }
            closed = true;
        }
    }

    /** A terminal: a progress bar (me.tongfei:progressbar) redrawn by the library's own thread. */
    private static final class BarView implements ProgressView {
        private @Nullable ProgressBar bar;

        @Override
        public synchronized void onProgress(Progress progress) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("gzip").setInitialMax(progress.bytesTotal())
                        .setStyle(ProgressBarStyle.ASCII).setUnit("MiB", 1 << 20).showSpeed().build();
            }
            bar.stepTo(progress.bytesDone());
        }

        @Override
        public synchronized void close() {
            if (bar != null) {
                bar.close(); // stops the library's render thread
                bar = null;
            }
        }
    }
}
