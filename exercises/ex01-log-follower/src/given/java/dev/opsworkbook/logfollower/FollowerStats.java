package dev.opsworkbook.logfollower;

/**
 * Counters of a {@link LogFollower}, read at one moment.
 *
 * @param linesDelivered lines handed to the queue so far (cut lines included)
 * @param linesCut       lines longer than {@code maxLineBytes}, delivered cut to that length
 * @param rotations      times the follower switched to a new file under the name (rename or delete, then create)
 * @param truncations    times the followed file was truncated or rewritten in place and read again from its start
 */
public record FollowerStats(long linesDelivered, long linesCut, long rotations, long truncations) {
}
