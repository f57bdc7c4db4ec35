package dev.opsworkbook.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compresses many files to gzip on a fixed pool of worker threads, one file per worker at a time. Each worker holds
 * two buffers and one Deflater, so memory does not depend on the files' sizes; each output appears under its final
 * name only complete (temp file, fsync, atomic rename).
 */
public final class ParallelCompressor {

    private static final Logger LOG = LoggerFactory.getLogger(ParallelCompressor.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** Deflate's window: the most a match can reach back, so the most of a dictionary that can help. */
    private static final int DICTIONARY = 32 * 1024;

    private final Settings settings;
    private final int threads;

    public ParallelCompressor(Settings settings) {
        this.settings = settings;
        // availableProcessors() follows cgroup CPU limits and -XX:ActiveProcessorCount; a hard-coded pool does not.
        this.threads = settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Compresses every input to its {@code .gz}; returns one result per input, in order. If the calling thread is
     * interrupted, stops the workers, deletes every temp file and throws {@link InterruptedException} once no worker
     * runs any more.
     */
    public Report compress(List<Path> inputs) throws InterruptedException {
        List<Path> targets = targets(inputs);
        long[] sizes = new long[inputs.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = sizeOrZero(inputs.get(i));
            total += sizes[i];
        }
        ProgressTracker tracker = new ProgressTracker(settings.listener(), total, inputs.size());
        if (inputs.isEmpty()) {
            tracker.finishFile(0);
            return new Report(List.of());
        }
        ExecutorService pool = newPool(Math.min(threads, inputs.size()));
        try {
            List<Future<FileResult>> futures = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                FileJob job = new FileJob(inputs.get(i), targets.get(i), sizes[i], tracker, null);
                futures.add(pool.submit(job::run));
            }
            List<FileResult> results = new ArrayList<>();
            for (Future<FileResult> future : futures) {
                results.add(future.get());
            }
            return new Report(results);
        } catch (ExecutionException e) {
            // A job reports its own failures as results; only a cancelled worker or a bug ends up here.
            if (e.getCause() instanceof InterruptedException cancelled) {
                throw cancelled;
            }
            throw new IllegalStateException("a compression job failed unexpectedly", e.getCause());
        } finally {
            // On interrupt: interrupt the workers, and return only once they (and their temp-file cleanup) are done.
            pool.shutdownNow();
            awaitUninterruptibly(pool);
        }
    }

    /**
     * Stretch: compresses one (large) file the way pigz does, its blocks of {@link Settings#blockSize()} on all the
     * worker threads at once, into one gzip member. Outputs, skipping, retries, progress, Deflaters and cancellation
     * follow the same contract as {@link #compress(List)} of this one file.
     */
    public FileResult compressInBlocks(Path input) throws InterruptedException {
        Path target = targets(List.of(input)).getFirst();
        long size = sizeOrZero(input);
        ProgressTracker tracker = new ProgressTracker(settings.listener(), size, 1);
        ExecutorService pool = newPool(threads);
        try {
            // The calling thread reads, keeps the order and writes; the pool only deflates blocks.
            return new FileJob(input, target, size, tracker, pool).run();
        } finally {
            pool.shutdownNow();
            awaitUninterruptibly(pool);
        }
    }

    private static ExecutorService newPool(int size) {
        int poolId = POOLS.incrementAndGet();
        AtomicInteger workerId = new AtomicInteger();
        return Executors.newFixedThreadPool(size,
                r -> new Thread(r, "compress-" + poolId + "-worker-" + workerId.incrementAndGet()));
    }

    private List<Path> targets(List<Path> inputs) {
        List<Path> targets = new ArrayList<>(inputs.size());
        Set<Path> seen = new HashSet<>();
        for (Path input : inputs) {
            String name = input.getFileName() + ".gz";
            Path target = settings.outputDir() == null ? input.resolveSibling(name) : settings.outputDir().resolve(name);
            if (!seen.add(target.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("two inputs would both be compressed to " + target);
            }
            targets.add(target);
        }
        return targets;
    }

    private static long sizeOrZero(Path input) {
        try {
            return Files.size(input);
        } catch (IOException e) {
            return 0; // a missing or unreadable input fails when its job opens it
        }
    }

    private static void awaitUninterruptibly(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One input file: attempts, backoff, and its share of the progress. */
    private final class FileJob {
        private final Path input;
        private final Path target;
        private final Path temp;
        private final long size;
        private final ProgressTracker tracker;
        /** Where the blocks of this file are deflated ({@code compressInBlocks}); {@code null}: all on this thread. */
        private final @Nullable ExecutorService blockPool;
        /** Bytes of this file already counted in the progress: the furthest any attempt has read. */
        private long counted;

        FileJob(Path input, Path target, long size, ProgressTracker tracker, @Nullable ExecutorService blockPool) {
            this.input = input;
            this.target = target;
            this.temp = target.resolveSibling(target.getFileName() + ".tmp");
            this.size = size;
            this.tracker = tracker;
            this.blockPool = blockPool;
        }

        FileResult run() throws InterruptedException {
            long start = System.nanoTime();
            if (input.getFileName().toString().endsWith(".gz") || (!settings.overwrite() && Files.exists(target))) {
                tracker.finishFile(size);
                return new FileResult(input, FileResult.Status.SKIPPED, null, 0, 0, 0, since(start), null);
            }
            Duration backoff = settings.initialBackoff();
            for (int attempt = 1; ; attempt++) {
                try {
                    long[] bytes = blockPool == null ? attempt() : attemptInBlocks(blockPool);
                    tracker.finishFile(size - counted);
                    return new FileResult(input, FileResult.Status.OK, target, bytes[0], bytes[1], attempt, since(start),
                            null);
                } catch (IOException | RuntimeException e) {
                    deleteQuietly(temp);
                    if (isCancellation(e)) {
                        throw new InterruptedException("cancelled while compressing " + input);
                    }
                    if (!(e instanceof IOException) || !retryable((IOException) e) || attempt == settings.maxAttempts()) {
                        LOG.debug("giving up on {} after {} attempt(s)", input, attempt, e);
                        tracker.finishFile(size - counted);
                        return new FileResult(input, FileResult.Status.FAILED, null, 0, 0, attempt, since(start), e);
                    }
                    LOG.debug("attempt {} on {} failed, retrying in {}", attempt, input, backoff, e);
                }
                try {
                    settings.sleeper().sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
            }
        }

        /** One attempt from a clean temp file: returns {input bytes, output bytes}. */
        private long[] attempt() throws IOException {
            Deflater deflater = settings.deflaters().create(settings.level());
            try (InputStream in = settings.fileOps().openInput(input);
                 FileOps.SyncableOutputStream out = settings.fileOps().createOutput(temp)) {
                GzipMember member = new GzipMember(deflater, out, settings.bufferSize());
                byte[] buffer = new byte[settings.bufferSize()];
                long read = 0;
                for (int n; (n = in.read(buffer)) != -1; ) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("cancelled");
                    }
                    member.write(buffer, n);
                    read += n;
                    advanceTo(read);
                }
                long written = member.finish();
                out.sync();
                out.close();
                settings.fileOps().moveAtomically(temp, target);
                syncDirectory(target);
                return new long[] {read, written};
            } finally {
                deflater.end(); // native memory: no finalizer will do it (JDK 12+)
            }
        }

        /**
         * One attempt, pigz-style: this thread reads the input block by block, the pool deflates up to
         * {@code 2 × threads} blocks ahead (each with the 32 KiB before it as its dictionary, so the ratio barely
         * suffers), and this thread writes the results in order. Returns {input bytes, output bytes}.
         */
        private long[] attemptInBlocks(ExecutorService pool) throws IOException {
            int blockSize = settings.blockSize();
            // The window bounds memory: at most this many blocks read and not yet written, whatever the file's size.
            int window = 2 * threads;
            Deque<Future<Block>> inFlight = new ArrayDeque<>(window);
            // CRC-32 in input order on this thread: the JDK's CRC32 is an intrinsic (several GB/s), a small fraction
            // of deflate's cost, so it needs no per-block CRCs and no crc32_combine.
            CRC32 crc = new CRC32();
            try (InputStream in = settings.fileOps().openInput(input);
                 FileOps.SyncableOutputStream out = settings.fileOps().createOutput(temp)) {
                out.write(GzipMember.HEADER);
                long written = GzipMember.HEADER.length;
                long read = 0;
                byte @Nullable [] previous = null;
                Block block = readBlock(in, blockSize);
                while (true) {
                    read += block.length;
                    crc.update(block.data, 0, block.length);
                    advanceTo(read);
                    // The last block must be known before it is deflated (it alone ends the stream): a full block is
                    // the last one only if nothing follows it.
                    Block next = block.length < blockSize ? Block.NONE : readBlock(in, blockSize);
                    boolean last = next.length == 0;
                    Block current = block;
                    byte @Nullable [] dictionary = previous;
                    inFlight.add(pool.submit(() -> deflateBlock(current, dictionary, last)));
                    if (inFlight.size() >= window || last) {
                        written += writeOldest(inFlight, out, last ? inFlight.size() : 1);
                    }
                    if (last) {
                        break;
                    }
                    previous = block.data;
                    block = next;
                }
                byte[] trailer = GzipMember.trailer(crc.getValue(), read);
                out.write(trailer);
                out.sync();
                out.close();
                settings.fileOps().moveAtomically(temp, target);
                syncDirectory(target);
                return new long[] {read, written + trailer.length};
            } finally {
                inFlight.forEach(f -> f.cancel(true)); // a failed attempt's blocks are of no use to the next one
            }
        }

        /** Reads a full block unless the input ends first; checks for cancellation between blocks. */
        private Block readBlock(InputStream in, int blockSize) throws IOException {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("cancelled");
            }
            byte[] data = new byte[blockSize];
            return new Block(data, in.readNBytes(data, 0, blockSize));
        }

        /** Waits for the {@code count} oldest blocks in flight and writes them; returns the bytes written. */
        private long writeOldest(Deque<Future<Block>> inFlight, OutputStream out, int count) throws IOException {
            long written = 0;
            for (int i = 0; i < count; i++) {
                Block deflated;
                try {
                    deflated = inFlight.element().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("cancelled");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException("deflating a block failed", e.getCause());
                }
                inFlight.remove();
                out.write(deflated.data, 0, deflated.length);
                written += deflated.length;
            }
            return written;
        }

        /**
         * Deflates one block on a worker into raw deflate data that the next block's data can follow byte for byte:
         * primed with the 32 KiB before it, ended by a sync flush (an empty stored block, byte-aligned), or by the
         * final block when it is the last one.
         */
        private Block deflateBlock(Block block, byte @Nullable [] previous, boolean last) {
            Deflater deflater = settings.deflaters().create(settings.level());
            try {
                if (previous != null) {
                    deflater.setDictionary(previous, previous.length - DICTIONARY, DICTIONARY);
                }
                deflater.setInput(block.data, 0, block.length);
                int flush = Deflater.SYNC_FLUSH;
                if (last) {
                    deflater.finish();
                    flush = Deflater.NO_FLUSH;
                }
                // Stored blocks (level 0, random data) cost 5 bytes per 16 KiB or more; the flush a few more.
                byte[] out = new byte[block.length + block.length / 1024 + 64];
                int length = 0;
                while (true) {
                    int n = deflater.deflate(out, length, out.length - length, flush);
                    length += n;
                    boolean done = last ? deflater.finished() : length < out.length; // SYNC_FLUSH: room left = done
                    if (done) {
                        return new Block(out, length);
                    }
                    if (length == out.length) {
                        out = Arrays.copyOf(out, out.length * 2);
                    }
                }
            } finally {
                deflater.end();
            }
        }

        private void advanceTo(long position) {
            long delta = Math.min(position, size) - counted;
            if (delta > 0) {
                counted += delta;
                tracker.advance(delta);
            }
        }
    }

    /** {@code length} bytes of {@code data}: a block of input, or its deflated form. */
    private static final class Block {
        static final Block NONE = new Block(new byte[0], 0);
        final byte[] data;
        final int length;

        Block(byte[] data, int length) {
            this.data = data;
            this.length = length;
        }
    }

    private static boolean isCancellation(Exception e) {
        return e instanceof InterruptedIOException || e instanceof ClosedByInterruptException
                || Thread.currentThread().isInterrupted();
    }

    /** A missing or forbidden input will not heal by waiting. */
    private static boolean retryable(IOException e) {
        return !(e instanceof NoSuchFileException || e instanceof AccessDeniedException);
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("could not delete {}", temp, e);
        }
    }

    /** Makes the rename itself durable; best effort (not every file system lets a directory be opened). */
    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("could not fsync directory {}", dir, e);
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Bytes and files done so far; every listener call happens under its lock, so calls never overlap. */
    private static final class ProgressTracker {
        private final ProgressListener listener;
        private final long total;
        private final int files;
        private final long start = System.nanoTime();
        private long done;
        private int filesDone;

        ProgressTracker(ProgressListener listener, long total, int files) {
            this.listener = listener;
            this.total = total;
            this.files = files;
        }

        synchronized void advance(long bytes) {
            done += bytes;
            report();
        }

        synchronized void finishFile(long remainingBytes) {
            done += remainingBytes;
            filesDone = Math.min(filesDone + 1, files);
            report();
        }

        private void report() {
            try {
                listener.onProgress(new Progress(done, total, filesDone, files, since(start)));
            } catch (RuntimeException e) {
                LOG.warn("the progress listener failed", e);
            }
        }
    }

    /** Writes one gzip member (RFC 1952): a 10-byte header, raw deflate data, CRC-32 and length. */
    private static final class GzipMember {
        /** Magic, deflate, no flags, no mtime, no extra flags, OS unknown: what {@code GZIPOutputStream} writes. */
        private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

        private final Deflater deflater;
        private final FileOps.SyncableOutputStream out;
        private final byte[] buffer;
        private final CRC32 crc = new CRC32();
        private long inputBytes;
        private long written;

        GzipMember(Deflater deflater, FileOps.SyncableOutputStream out, int bufferSize) throws IOException {
            this.deflater = deflater;
            this.out = out;
            this.buffer = new byte[bufferSize];
            out.write(HEADER);
            written = HEADER.length;
        }

        void write(byte[] data, int length) throws IOException {
            crc.update(data, 0, length);
            inputBytes += length;
            deflater.setInput(data, 0, length);
            while (!deflater.needsInput()) {
                drain();
            }
        }

        /** Ends the deflate stream and writes the trailer; returns the member's size in bytes. */
        long finish() throws IOException {
            deflater.finish();
            while (!deflater.finished()) {
                drain();
            }
            byte[] trailer = trailer(crc.getValue(), inputBytes);
            out.write(trailer);
            return written + trailer.length;
        }

        /** CRC-32 and ISIZE (the length modulo 2^32), both little-endian. */
        static byte[] trailer(long crc, long inputBytes) {
            byte[] trailer = new byte[8];
            for (int i = 0; i < 4; i++) {
                trailer[i] = (byte) (crc >>> (8 * i));
                trailer[4 + i] = (byte) (inputBytes >>> (8 * i));
            }
            return trailer;
        }

        private void drain() throws IOException {
            int n = deflater.deflate(buffer);
            out.write(buffer, 0, n);
            written += n;
        }
    }

}
