package dev.opsworkbook.compress;

import java.util.zip.Deflater;

/**
 * Where the compressor gets its {@link Deflater}s: <strong>every</strong> Deflater it uses comes from
 * {@link Settings#deflaters()}, and it calls {@link Deflater#end()} on each one exactly when it is done with it, on
 * every path (success, failure, retry, cancellation). Given: do not change this type.
 *
 * <p>A Deflater holds about 300 KB of native memory (zlib's window and hash tables) until {@code end()}; the heap
 * cannot see it, and since JDK 12 nothing but a {@code Cleaner}, after a garbage collection, frees it otherwise. The
 * suite injects a factory that counts the Deflaters that are created and not yet ended.
 */
@FunctionalInterface
public interface Deflaters {

    /** Raw deflate ({@code nowrap}: no zlib header or checksum), as a gzip member's body needs. */
    Deflaters RAW = level -> new Deflater(level, true);

    /**
     * A new Deflater for raw deflate data (no zlib wrapper) at {@code level}; the caller owns it and must
     * {@link Deflater#end()} it.
     */
    Deflater create(int level);
}
