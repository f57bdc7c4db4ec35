package dev.opsworkbook.logfollower;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What to follow and how. A plain value: {@link LogFollower#start} validates it.
 *
 * @param file          the file to follow, by name: whatever file has this name at each poll
 * @param start         where to start in the file that exists at start; a file that appears later is
 *                      always read from its beginning
 * @param pollInterval  how long the follower waits, once it has read everything, before it looks again
 * @param maxLineBytes  the longest line kept, in bytes of UTF-8 without the line terminator; a longer
 *                      line is delivered cut to this length (on a character boundary) and counted
 * @param queueCapacity how many lines the queue between the follower and its consumer holds; when it is
 *                      full the follower waits (nothing is dropped)
 * @param rotatedFileQuietPolls how long a file that was rotated away is still read, by its open descriptor, beside
 *                      the new file: until nothing has been added to it for this many poll intervals (like
 *                      {@code tail}'s {@code --max-unchanged-stats}, Fluent Bit's {@code rotate_wait}); the
 *                      application may write to it until it reopens its log. 0 lets it go as soon as it has been
 *                      read to its end at the switch
 */
public record FollowOptions(Path file, StartPosition start, Duration pollInterval, int maxLineBytes,
                            int queueCapacity, int rotatedFileQuietPolls) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    /** Five quiet polls, as {@code tail}'s {@code --max-unchanged-stats}: 1.25 s at the default interval. */
    public static final int DEFAULT_ROTATED_FILE_QUIET_POLLS = 5;

    /** Starts describing how to follow {@code file}; nothing is checked until {@link LogFollower#start}. */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** Builds {@link FollowOptions}; the defaults are the {@code DEFAULT_*} constants and {@link StartPosition#END}. */
    public static final class Builder {
        private final Path file;
        private StartPosition start = StartPosition.END;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int rotatedFileQuietPolls = DEFAULT_ROTATED_FILE_QUIET_POLLS;

        private Builder(Path file) {
            this.file = file;
        }

        public Builder start(StartPosition start) {
            this.start = start;
            return this;
        }

        public Builder fromBeginning() {
            return start(StartPosition.BEGINNING);
        }

        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        public Builder maxLineBytes(int bytes) {
            this.maxLineBytes = bytes;
            return this;
        }

        public Builder queueCapacity(int lines) {
            this.queueCapacity = lines;
            return this;
        }

        public Builder rotatedFileQuietPolls(int polls) {
            this.rotatedFileQuietPolls = polls;
            return this;
        }

        public FollowOptions build() {
            return new FollowOptions(file, start, pollInterval, maxLineBytes, queueCapacity, rotatedFileQuietPolls);
        }
    }
}
