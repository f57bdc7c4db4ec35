package dev.opsworkbook.compress;

import java.nio.file.Path;
import java.util.List;

/**
 * Compresses many files to gzip in parallel, with bounded memory, byte progress, retries, and never a partial output.
 * The README is the full contract; the given types' Javadoc is part of it.
 */
public final class ParallelCompressor {

    /**
     * A compressor with these settings. {@code settings.threads() == 0} means the processors available to this JVM
     * ({@link Runtime#availableProcessors()}), asked here.
     */
    public ParallelCompressor(Settings settings) {
        throw new UnsupportedOperationException("TODO Task 1: keep the settings and work out the number of threads");
    }

    /**
     * Compresses every input to its {@code .gz} on the worker threads and returns one {@link FileResult} per input,
     * in the order of {@code inputs}. Each output is written to {@code <output>.tmp}, fsynced and renamed atomically;
     * a file that fails or is cancelled leaves neither {@code .gz} nor {@code .gz.tmp}.
     *
     * @throws IllegalArgumentException if two inputs would be compressed to the same {@code .gz}
     * @throws InterruptedException     if the calling thread is interrupted: the workers have stopped, no temp file
     *                                  is left and no worker thread runs any more when it is thrown
     */
    public Report compress(List<Path> inputs) throws InterruptedException {
        throw new UnsupportedOperationException("TODO Task 1: compress each input to a gzip member on a pool of workers");
    }

    /**
     * Stretch (Task 6): compresses one large file the way pigz does: its blocks of {@link Settings#blockSize()} are
     * deflated on up to {@code threads} worker threads at once, each primed with the 32 KiB of input before it as a
     * preset dictionary and ended by a sync flush (the last one by finishing the stream), and written in order as one
     * gzip member. At most a fixed number of blocks (a small multiple of {@code threads}) are in flight at any time.
     * Output name, temp file and rename, skipping, retries, progress, Deflaters and cancellation are those of
     * {@code compress(List.of(input))}.
     *
     * @return the result for {@code input}
     * @throws InterruptedException if the calling thread is interrupted: no worker thread runs any more, no temp file
     *                              is left
     */
    public FileResult compressInBlocks(Path input) throws InterruptedException {
        throw new UnsupportedOperationException("TODO Task 6 (stretch): deflate the blocks of one file in parallel");
    }
}
