package dev.opsworkbook.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file operations the compressor performs on inputs and outputs. Given: do not change this type. The compressor
 * does all its reading, writing and renaming through {@link Settings#fileOps()}, so that the suite can inject faults
 * (an {@link IOException} at a chosen byte, a rename that fails) and block reads to hold a file mid-way. Deleting,
 * listing and sizing files may use {@link Files} directly.
 */
public interface FileOps {

    /** The real file system. */
    FileOps REAL = new FileOps() {
        @Override
        public InputStream openInput(Path input) throws IOException {
            return Files.newInputStream(input);
        }

        @Override
        public SyncableOutputStream createOutput(Path temp) throws IOException {
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            return new SyncableOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }

                @Override
                public void sync() throws IOException {
                    channel.force(true);
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        }

        @Override
        public void moveAtomically(Path temp, Path target) throws IOException {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    };

    /** Opens an input file for reading from its first byte. */
    InputStream openInput(Path input) throws IOException;

    /**
     * Opens {@code temp} for writing from its first byte: creates it, or truncates it to 0 bytes if it exists. The
     * stream writes straight to the file (no buffer of its own).
     */
    SyncableOutputStream createOutput(Path temp) throws IOException;

    /** Renames {@code temp} to {@code target} in one step, replacing {@code target} if it exists. */
    void moveAtomically(Path temp, Path target) throws IOException;

    /** An output stream whose bytes can be forced to the disk. */
    abstract class SyncableOutputStream extends OutputStream {

        /** Forces every byte written so far to the storage device ({@code fsync}); returns when they are there. */
        public abstract void sync() throws IOException;
    }
}
