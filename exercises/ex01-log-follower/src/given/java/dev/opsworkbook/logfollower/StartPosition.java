package dev.opsworkbook.logfollower;

/** Where following starts in the file that exists when the follower starts. */
public enum StartPosition {
    /** Deliver the lines already in the file, then the new ones ({@code tail -n +1 -F}). */
    BEGINNING,
    /** Deliver only lines appended after the follower started ({@code tail -n 0 -F}). */
    END
}
