package dev.opsworkbook.compress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@code ParallelCompressor} works. Given: do not change this type. Build one with {@link #builder()}; every
 * setting has a default.
 *
 * @param threads        worker threads; {@code 0} (the default) means the processors available to this JVM,
 *                       asked of {@link Runtime#availableProcessors()} when the compressor is created (it honours
 *                       cgroup CPU limits and {@code -XX:ActiveProcessorCount})
 * @param level          the deflate level, 0 (store) to 9 (best); default {@value #DEFAULT_LEVEL}, as {@code gzip}
 * @param bufferSize     the size of each of a worker's two buffers (input and compressed output), in bytes; default
 *                       {@value #DEFAULT_BUFFER_SIZE}
 * @param maxAttempts    attempts per file, the first included; default {@value #DEFAULT_MAX_ATTEMPTS}
 * @param initialBackoff the wait before the second attempt; each later wait doubles, up to {@code maxBackoff};
 *                       default 100 ms
 * @param maxBackoff     the longest wait between two attempts; default 2 s
 * @param outputDir      {@code null} (the default): {@code x.gz} is written next to {@code x}; otherwise the directory
 *                       every {@code .gz} is written to
 * @param overwrite      whether an existing {@code x.gz} is replaced; {@code false} (the default): the file is
 *                       {@code SKIPPED}
 * @param listener       told the progress in bytes; default {@link ProgressListener#NONE}
 * @param fileOps        every read, write and rename goes through it; default {@link FileOps#REAL}
 * @param sleeper        waits between attempts; default {@link Sleeper#SYSTEM}
 * @param deflaters      every {@code Deflater} comes from it; default {@link Deflaters#RAW}
 * @param blockSize      stretch (Task 6) only: the size of the blocks {@code compressInBlocks} splits one file into,
 *                       in bytes; default {@value #DEFAULT_BLOCK_SIZE} (pigz's {@code -b}), at least
 *                       {@value #MIN_BLOCK_SIZE} (a block's dictionary is the 32 KiB of input before it)
 */
public record Settings(int threads, int level, int bufferSize, int maxAttempts, Duration initialBackoff,
                       Duration maxBackoff, @Nullable Path outputDir, boolean overwrite, ProgressListener listener,
                       FileOps fileOps, Sleeper sleeper, Deflaters deflaters, int blockSize) {

    public static final int DEFAULT_LEVEL = 6;
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** The smallest buffer accepted: 1 KiB. */
    public static final int MIN_BUFFER_SIZE = 1024;
    /** pigz's default block size: 128 KiB. */
    public static final int DEFAULT_BLOCK_SIZE = 128 * 1024;
    /** The smallest block accepted: 32 KiB, deflate's window, so that a block's dictionary lies in one block. */
    public static final int MIN_BLOCK_SIZE = 32 * 1024;

    public Settings {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(fileOps, "fileOps");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(deflaters, "deflaters");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: the available processors), got " + threads);
        }
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("level must be 0..9, got " + level);
        }
        if (bufferSize < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException("bufferSize must be >= " + MIN_BUFFER_SIZE + ", got " + bufferSize);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (blockSize < MIN_BLOCK_SIZE) {
            throw new IllegalArgumentException("blockSize must be >= " + MIN_BLOCK_SIZE + ", got " + blockSize);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff
                    + " and " + maxBackoff);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every setting at its default. */
    public static Settings defaults() {
        return builder().build();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.threads = threads;
        b.level = level;
        b.bufferSize = bufferSize;
        b.maxAttempts = maxAttempts;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.outputDir = outputDir;
        b.overwrite = overwrite;
        b.listener = listener;
        b.fileOps = fileOps;
        b.sleeper = sleeper;
        b.deflaters = deflaters;
        b.blockSize = blockSize;
        return b;
    }

    /** Builds {@link Settings}; {@link #build()} checks the values. */
    public static final class Builder {
        private int threads;
        private int level = DEFAULT_LEVEL;
        private int bufferSize = DEFAULT_BUFFER_SIZE;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(2);
        private @Nullable Path outputDir;
        private boolean overwrite;
        private ProgressListener listener = ProgressListener.NONE;
        private FileOps fileOps = FileOps.REAL;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Deflaters deflaters = Deflaters.RAW;
        private int blockSize = DEFAULT_BLOCK_SIZE;

        private Builder() {
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder level(int level) {
            this.level = level;
            return this;
        }

        public Builder bufferSize(int bufferSize) {
            this.bufferSize = bufferSize;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder outputDir(@Nullable Path outputDir) {
            this.outputDir = outputDir;
            return this;
        }

        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        public Builder listener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder fileOps(FileOps fileOps) {
            this.fileOps = fileOps;
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public Builder deflaters(Deflaters deflaters) {
            this.deflaters = deflaters;
            return this;
        }

        public Builder blockSize(int blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        public Settings build() {
            return new Settings(threads, level, bufferSize, maxAttempts, initialBackoff, maxBackoff, outputDir,
                    overwrite, listener, fileOps, sleeper, deflaters, blockSize);
        }
    }
}
