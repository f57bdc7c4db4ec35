package dev.opsworkbook.safeexec;

/**
 * One output stream of a finished run.
 *
 * @param bytes        the first bytes the child wrote, at most {@code maxOutputBytes} of them
 * @param text         {@code bytes} decoded with the request's charset; a multi-byte character cut
 *                     by the cap is left out rather than turned into a replacement character
 * @param droppedBytes how many bytes the child wrote beyond the cap (read and discarded)
 */
@SuppressWarnings("ArrayRecordComponent") // the kept bytes as read; outputs are read, never compared with equals
public record CapturedOutput(byte[] bytes, String text, long droppedBytes) {

    /** Whether anything was dropped because of the cap. */
    public boolean truncated() {
        return droppedBytes > 0;
    }

    /** How many bytes the child wrote in total. */
    public long totalBytes() {
        return bytes.length + droppedBytes;
    }
}
