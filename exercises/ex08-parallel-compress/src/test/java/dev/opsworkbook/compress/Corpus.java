package dev.opsworkbook.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * Test files of mixed content, made from a seed: runs of log-like text (compresses about 5:1) alternate with runs of
 * random bytes (does not compress), each run a random length, so that no buffer size lines up with the content.
 */
final class Corpus {

    private static final byte[] WORDS = ("GET /api/v1/orders 200 12ms user=alice region=eu-west-1 trace=7f3a91 "
            + "POST /api/v1/payments 503 1500ms retry=2 upstream=payments-7d9f timeout\n")
            .getBytes(StandardCharsets.US_ASCII);

    private Corpus() {
    }

    /** Writes {@code size} bytes of mixed content to {@code file}; the same seed gives the same bytes. */
    static Path write(Path file, long size, long seed) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[64 * 1024];
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(left, 1 + random.nextInt(chunk.length));
                if (random.nextBoolean()) {
                    random.nextBytes(chunk);
                } else {
                    int offset = random.nextInt(WORDS.length);
                    for (int i = 0; i < n; i++) {
                        chunk[i] = WORDS[(offset + i * 7 / 5) % WORDS.length];
                    }
                }
                out.write(chunk, 0, n);
                left -= n;
            }
        }
        return file;
    }

    /** Whether {@code gz} decompresses (as gzip, every member) to exactly the bytes of {@code original}. */
    static boolean roundTrips(Path original, Path gz) throws IOException {
        return firstDifference(original, gz) < 0;
    }

    /**
     * The offset of the first byte at which {@code gz}, decompressed, differs from {@code original}, or -1 if they are
     * equal. A corrupt stream is the offset reached when it broke.
     */
    static long firstDifference(Path original, Path gz) throws IOException {
        try (InputStream expected = Files.newInputStream(original);
             InputStream actual = new GZIPInputStream(Files.newInputStream(gz), 64 * 1024)) {
            byte[] a = new byte[64 * 1024];
            byte[] b = new byte[64 * 1024];
            long offset = 0;
            while (true) {
                int n = expected.readNBytes(a, 0, a.length);
                int m;
                try {
                    m = actual.readNBytes(b, 0, b.length);
                } catch (IOException corrupt) {
                    return offset;
                }
                if (n != m || !Arrays.equals(a, 0, n, b, 0, m)) {
                    return offset + Math.max(0, Arrays.mismatch(a, 0, n, b, 0, m));
                }
                if (n == 0) {
                    return -1;
                }
                offset += n;
            }
        }
    }
}
