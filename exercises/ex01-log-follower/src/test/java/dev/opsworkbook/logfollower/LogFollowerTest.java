package dev.opsworkbook.logfollower;

import static dev.opsworkbook.testing.Stubs.rethrowIfChildHitStub;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import dev.opsworkbook.testing.ChildJvm;
import dev.opsworkbook.testing.LeakCheck;
import dev.opsworkbook.testing.Wording;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grading suite of ex01 log-follower. Every test follows a real file in a temporary directory while
 * the test (or a writer thread) appends to it, renames, truncates, deletes and recreates it, the way
 * applications and logrotate do. Nothing sleeps to synchronise: the test waits for the lines it expects,
 * and "nothing arrives" is checked by waiting a few poll intervals for a line that must not come.
 */
@DisplayName("ex01 log-follower: a tail -F that survives log rotation")
@ExtendWith(LeakCheck.class)
class LogFollowerTest {

    private static final Duration POLL = Duration.ofMillis(20);
    /** Long enough for several polls, even on a busy machine: how long "nothing arrives" is watched. */
    private static final Duration QUIET = POLL.multipliedBy(6);
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(5);
    /** The thread that the JDK starts for each {@link java.nio.file.WatchService} (sun.nio.fs.AbstractPoller). */
    private static final String JDK_WATCH_THREAD = "FileSystemWatchService";

    @TempDir
    Path dir;

    Path log;
    private final List<LogFollower> followers = new ArrayList<>();

    @AfterEach
    void closeFollowers() {
        followers.forEach(LogFollower::close);
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: follow a file and deliver its lines")
    class FollowAndDeliver {

        @Test
        @Points(6)
        @Hint("Open the file in start() and remember your offset; each poll, read from the offset to the end of"
                + " the file and hand every complete line to the queue.")
        @DisplayName("lines appended after start are delivered in order, exactly once; older lines are skipped")
        void appendedLinesAreDeliveredInOrderExactlyOnce() throws Exception {
            log = write("app.log", "old 1\nold 2\n");
            LogFollower follower = follow(b -> b);

            List<String> expected = numbered("line", 1, 1000);
            for (int from = 0; from < expected.size(); from += 100) {
                append(lines(expected.subList(from, from + 100)));
            }

            assertThat(receive(follower, 1000, "1000 lines appended in 10 writes"))
                    .as("the lines delivered (the 2 lines present at start must be skipped: start is END)")
                    .containsExactlyElementsOf(expected);
            expectNothingMore(follower, "after all 1000 lines were delivered (a line delivered twice?)");
            assertThat(follower.stats().linesDelivered()).as("stats().linesDelivered()").isEqualTo(1000);
        }

        @Test
        @Points(3)
        @Hint("StartPosition.BEGINNING: the first offset is 0 instead of the size of the file.")
        @DisplayName("with StartPosition.BEGINNING the lines already in the file come first, then the new ones")
        void fromBeginningDeliversExistingLinesFirst() throws Exception {
            log = write("app.log", "old 1\nold 2\nold 3\n");
            LogFollower follower = follow(b -> b.start(StartPosition.BEGINNING));
            append("new 1\nnew 2\n");

            assertThat(receive(follower, 5, "3 existing and 2 appended lines"))
                    .containsExactly("old 1", "old 2", "old 3", "new 1", "new 2");
        }

        @Test
        @Points(4)
        @Hint("A read ends wherever the writer happened to be. Keep the bytes after the last newline and put"
                + " them in front of the next read; only a newline completes a line.")
        @DisplayName("a partial line is held until its newline arrives")
        void partialLineIsHeldUntilItsNewline() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b);

            append("half of a");
            expectNothingMore(follower, "after 'half of a' was written without a newline");
            append(" line\nthe next one is parti");
            assertThat(receive(follower, 1, "the completed line")).containsExactly("half of a line");
            expectNothingMore(follower, "after 'the next one is parti' was written without a newline");
            append("al\n");
            assertThat(receive(follower, 1, "the second completed line")).containsExactly("the next one is partial");
        }

        @Test
        @Points(3)
        @Hint("A line ends at LF; drop a CR right before it, also when the CR and the LF came in different reads.")
        @DisplayName("LF and CRLF both end a line, even when the CR and the LF arrive in different reads")
        void lfAndCrlfEndLines() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b);

            append("unix\nwindows\r\n\r\nempty above, cr inside: a\rb\n");
            assertThat(receive(follower, 4, "lines ending in LF and CRLF"))
                    .containsExactly("unix", "windows", "", "empty above, cr inside: a\rb");
            append("cr at the end of a read\r");
            expectNothingMore(follower, "after a line ending in CR without its LF");
            append("\nlast\n");

            assertThat(receive(follower, 2, "a line whose CR and LF came in two writes, then one more"))
                    .containsExactly("cr at the end of a read", "last");
        }

        @Test
        @Points(4)
        @Hint("Decode a line only once it is complete: a UTF-8 character of 2 to 4 bytes may be split between"
                + " two reads, and decoding each read on its own turns both halves into U+FFFD.")
        @DisplayName("a multi-byte UTF-8 character split between two reads is decoded correctly")
        void utf8CharacterSplitAcrossReads() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b);
            List<String> texts = List.of("Příliš žluťoučký kůň", "ログの回転", "horse 🐎 emoji");

            for (String text : texts) {
                byte[] bytes = (text + "\n").getBytes(UTF_8);
                int cut = middleOfACharacter(text);
                appendBytes(bytes, 0, cut);
                expectNothingMore(follower, "after the first " + cut + " bytes of '" + text + "'");
                appendBytes(bytes, cut, bytes.length);
                assertThat(receive(follower, 1, "'" + text + "' written in two parts cut inside a character"))
                        .containsExactly(text);
            }
        }

        @Test
        @Points(4)
        @Hint("Never buffer more than maxLineBytes (+1 for a CR) of one line: deliver its first maxLineBytes"
                + " bytes, without cutting a character in two, count it, and skip the rest up to the newline.")
        @DisplayName("a line longer than maxLineBytes is delivered cut to that length and counted")
        void overLongLineIsCutAndCounted() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b.maxLineBytes(100));

            append("x".repeat(100) + "\n");                  // exactly the maximum: kept whole
            for (int i = 0; i < 10; i++) {
                append("y".repeat(100_000));                  // 1 MB without a newline, in 10 writes
            }
            append("\nshort\n");
            append("a".repeat(99) + "é" + "tail\r\n");     // é (2 bytes) straddles the 100-byte cut
            append("b".repeat(97) + "🐎" + "x\n");          // the cut falls after the 3rd of the emoji's 4 bytes
            append("z".repeat(100) + "\r\n");               // exactly the maximum, then CRLF: kept whole

            assertThat(receive(follower, 6, "a full-length line, a 1 MB line, a short line, two cut characters and a"
                    + " full-length line ending in CRLF"))
                    .containsExactly("x".repeat(100), "y".repeat(100), "short", "a".repeat(99), "b".repeat(97),
                            "z".repeat(100));
            assertThat(follower.stats().linesCut()).as("stats().linesCut() after 3 over-long lines (a line of exactly"
                    + " maxLineBytes before its CRLF is not over-long)").isEqualTo(3);
            assertThat(follower.stats().linesDelivered()).as("stats().linesDelivered() (cut lines included)")
                    .isEqualTo(6);
        }

        static Stream<Arguments> invalidOptions() {
            Path file = Path.of("app.log");
            return Stream.of(
                    invalid("a null file", FollowOptions.builder(null), "file"),
                    invalid("a null start position", FollowOptions.builder(file).start(null), "start"),
                    invalid("a null poll interval", FollowOptions.builder(file).pollInterval(null), "pollInterval"),
                    invalid("a zero poll interval", FollowOptions.builder(file).pollInterval(Duration.ZERO),
                            "pollInterval"),
                    invalid("a negative poll interval", FollowOptions.builder(file).pollInterval(Duration.ofMillis(-5)),
                            "pollInterval"),
                    invalid("maxLineBytes 0", FollowOptions.builder(file).maxLineBytes(0), "maxLineBytes"),
                    invalid("a negative maxLineBytes", FollowOptions.builder(file).maxLineBytes(-3), "maxLineBytes"),
                    invalid("queueCapacity 0", FollowOptions.builder(file).queueCapacity(0), "queueCapacity"),
                    invalid("a negative queueCapacity", FollowOptions.builder(file).queueCapacity(-1), "queueCapacity"),
                    invalid("a negative rotatedFileQuietPolls", FollowOptions.builder(file).rotatedFileQuietPolls(-1),
                            "rotatedFileQuietPolls"));
        }

        private static Arguments invalid(String what, FollowOptions.Builder options, String mention) {
            return Arguments.of(what, options.build(), mention);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidOptions")
        @Points(3)
        @Hint("Check every option in start() before opening anything, and name the option in the message.")
        @DisplayName("invalid options are rejected with an IllegalArgumentException that names the option")
        void invalidOptionsAreRejected(String what, FollowOptions options, String mention) {
            IllegalArgumentException e = thrownBy(IllegalArgumentException.class, () -> LogFollower.start(options),
                    "starting with " + what);
            Wording.assertNames(e.getMessage(), "the message of the IllegalArgumentException for " + what, mention);
        }

        @Test
        @Points(3)
        @Hint("A missing file is fine (it is waited for), but a directory, a path under a regular file or an"
                + " unreadable file can never be followed: throw an IOException naming the path.")
        @DisplayName("a directory, a path under a regular file or an unreadable file is rejected with an IOException")
        void filesThatCannotBeFollowedAreRejected() throws Exception {
            IOException directory = thrownBy(IOException.class,
                    () -> LogFollower.start(FollowOptions.builder(dir).build()), "following a directory");
            assertThat(directory.getMessage()).as("the message for a directory").contains(dir.toString());

            Path plain = write("plain.txt", "not a directory\n");
            IOException underFile = thrownBy(IOException.class,
                    () -> LogFollower.start(FollowOptions.builder(plain.resolve("app.log")).build()),
                    "following plain.txt/app.log where plain.txt is a regular file");
            assertThat(underFile.getMessage()).as("the message for a path under a regular file").contains("plain.txt");

            Path secret = write("secret.log", "x\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
            if (!Files.isReadable(secret)) { // root reads everything: then there is nothing to check here
                IOException unreadable = thrownBy(IOException.class,
                        () -> LogFollower.start(FollowOptions.builder(secret).build()), "following an unreadable file");
                assertThat(unreadable.getMessage()).as("the message for an unreadable file").contains("secret.log");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:2")
    @DisplayName("Task 2: survive every kind of rotation")
    class SurviveRotation {

        @Test
        @Points(6)
        @Hint("Compare the file key (BasicFileAttributes.fileKey(): device and inode) of the name with the one of"
                + " the file you hold open. When it changes, read the old file to its end first (also after polls that"
                + " found the name missing: keep the old file meanwhile), then open the new"
                + " one at offset 0 - whatever its size: a size check alone never notices a bigger new file.")
        @DisplayName("rename + create: the old file is finished first, then a new file longer than the old offset"
                + " is read from its start")
        void renameAndCreateWithALongerNewFile() throws Exception {
            log = write("app.log", "");
            // Much longer than the old file; prepared beforehand and moved into place at once, so that a poll
            // between the last old lines and the new file is unlikely (such a poll would read them by chance).
            Path next = write("app.log.next", lines(numbered("new", 1, 200)));
            LogFollower follower = follow(b -> b);
            try (OutputStream app = Files.newOutputStream(log, APPEND)) {
                app.write(lines(numbered("old", 1, 3)).getBytes(UTF_8));
                assertThat(receive(follower, 3, "3 lines before the rotation")).containsExactlyElementsOf(
                        numbered("old", 1, 3));

                Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.ATOMIC_MOVE);
                app.write("old 4\nold 5\n".getBytes(UTF_8)); // the application has not reopened yet
                Files.move(next, log, StandardCopyOption.ATOMIC_MOVE);
            }

            List<String> expected = new ArrayList<>(List.of("old 4", "old 5"));
            expected.addAll(numbered("new", 1, 200));
            assertThat(receive(follower, expected.size(), "the end of the old file, then the new file"))
                    .as("old 4 and old 5 went to the renamed file before the new one was created: they come first")
                    .containsExactlyElementsOf(expected);
            expectNothingMore(follower, "after the new file was read");
            assertThat(follower.stats().rotations()).as("stats().rotations()").isEqualTo(1);

            // Second rotation: this time the name stays missing for several polls before the new file comes.
            try (OutputStream app = Files.newOutputStream(log, APPEND)) {
                Files.move(log, dir.resolve("app.log.2"), StandardCopyOption.ATOMIC_MOVE);
                expectNothingMore(follower, "while the name app.log was missing after the second rename");
                app.write("late 1\n".getBytes(UTF_8)); // the application writes on to the renamed file
            }
            createAtOnce(log, "third 1\n");
            assertThat(receive(follower, 2, "the line written to the renamed file, then the next file's first line"))
                    .as("late 1 went to the renamed file while the name was missing, before the next file was"
                            + " created: the old file is read to its end first, even after the name was seen missing")
                    .containsExactly("late 1", "third 1");
            assertThat(follower.stats().rotations()).as("stats().rotations() after two renames").isEqualTo(2);
        }

        @Test
        @Points(5)
        @Hint("copytruncate keeps the same file (same inode) and cuts it to 0 bytes. When the size drops below your"
                + " offset, start again at 0: staying at the old offset waits until the file grows past it and"
                + " loses everything before.")
        @DisplayName("copytruncate: when the file shrinks, it is read again from its start")
        void copytruncateRestartsAtTheStart() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b);
            append(lines(numbered("before", 1, 5)));
            assertThat(receive(follower, 5, "5 lines before copytruncate")).hasSize(5);

            Files.copy(log, dir.resolve("app.log.1"));
            truncate(log);
            append("after 1\nafter 2\n");

            assertThat(receive(follower, 2, "the lines written after the truncation"))
                    .containsExactly("after 1", "after 2");
            expectNothingMore(follower, "after the truncated file was read again (read once more from its start?"
                    + " after a restart, what you remember of the file's first bytes must start again too)");
            assertThat(follower.stats().truncations()).as("stats().truncations() after one copytruncate and a few"
                    + " quiet polls").isEqualTo(1);
            assertThat(follower.stats().rotations()).as("stats().rotations() (the inode did not change)").isZero();
        }

        @Test
        @Points(5)
        @Hint("Truncated and rewritten past your offset between two polls, the file looks merely grown: same inode,"
                + " bigger size. Keep a fingerprint of its first bytes (Filebeat does) and compare it each poll, also"
                + " on the file you hold when the name has moved on, before you finish it.")
        @DisplayName("truncated and regrown past the old offset between two polls: it is read again from its start")
        void truncateThenGrowPastTheOldOffset() throws Exception {
            log = write("app.log", "");
            // A queue of 2 lets the test hold the follower between two looks at the file (see holdFollower): a
            // follower that wakes on every change would otherwise see the truncation before the regrowth.
            LogFollower follower = follow(b -> b.pollInterval(Duration.ofMillis(400)).queueCapacity(2));
            append(lines(numbered("before", 1, 3)));
            assertThat(receive(follower, 3, "3 lines before the truncation")).hasSize(3);

            holdFollower(follower);
            List<String> after = numbered("after", 1, 50); // far longer than the old offset
            Files.writeString(log, lines(after), TRUNCATE_EXISTING, WRITE);

            assertThat(receive(follower, 3, "the lines that held the follower")).containsExactlyElementsOf(HOLD);
            assertThat(receive(follower, 50, "the 50 lines that replaced the file's content"))
                    .as("the rewritten file from its first byte (reading on from the old offset gives a cut line)")
                    .containsExactlyElementsOf(after);
            assertThat(follower.stats().truncations()).as("stats().truncations() after one rewrite").isEqualTo(1);

            // Rewritten past the offset, then rotated, within one poll: the old file is finished from its new start.
            List<String> again = numbered("again", 1, 80);
            Path next = write("app.log.next", "new 1\nnew 2\n");
            holdFollower(follower);
            Files.writeString(log, lines(again), TRUNCATE_EXISTING, WRITE);
            Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(next, log, StandardCopyOption.ATOMIC_MOVE);
            List<String> expected = new ArrayList<>(HOLD);
            expected.addAll(again);
            expected.addAll(List.of("new 1", "new 2"));
            assertThat(receive(follower, expected.size(), "a file rewritten and then rotated between two polls, then"
                    + " the new file"))
                    .as("the rewritten file from its first byte, then the new file (look for a rewrite of the file"
                            + " you hold before you finish it, even when the name has moved on)")
                    .containsExactlyElementsOf(expected);
            expectNothingMore(follower, "after the rewritten file and the new file were read");
            assertThat(follower.stats().truncations()).as("stats().truncations() after two rewrites").isEqualTo(2);
            assertThat(follower.stats().rotations()).as("stats().rotations()").isEqualTo(1);
        }

        private static final List<String> HOLD = List.of("hold 1", "hold 2", "hold 3");

        /**
         * Appends three lines and waits until two fill the follower's queue of 2: it then waits to hand over the third,
         * and looks at the file again only once the test takes them, however it is woken. What the test does
         * meanwhile happens between two looks.
         */
        private void holdFollower(LogFollower follower) throws IOException {
            append(lines(HOLD));
            await().pollInSameThread().atMost(RECEIVE_TIMEOUT).until(() -> follower.queuedLines() == 2);
        }

        @Test
        @Points(3)
        @Hint("When the name is gone, do not give up (and do not spin or log in a loop): keep polling the name,"
                + " and follow the new file from its start when it appears.")
        @DisplayName("a deleted file is waited for and followed from its start when it is created again")
        void deletedFileIsWaitedForAndFollowedWhenItReappears() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b);
            append("before delete\n");
            assertThat(receive(follower, 1, "a line before the delete")).containsExactly("before delete");

            Files.delete(log);
            expectNothingMore(follower, "while the file does not exist");
            createAtOnce(log, "reborn 1\nreborn 2\n");

            assertThat(receive(follower, 2, "the lines of the recreated file")).containsExactly("reborn 1", "reborn 2");
        }

        @Test
        @Points(3)
        @Hint("A file that does not exist yet is not an error for tail -F: poll for it, and sleep one poll interval"
                + " between two looks. A file that appears after start is read from its first line, even with"
                + " StartPosition.END.")
        @DisplayName("a file missing at start is waited for without a busy loop, then read from its first line")
        void missingFileAtStartIsWaitedFor() throws Exception {
            log = dir.resolve("later.log");
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            LogFollower follower = follow(b -> b);
            List<Thread> followerThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t)).toList();

            expectNothingMore(follower, "while the file does not exist");
            assertNoBusyLoop(followerThreads, Duration.ofSeconds(1), "while the followed file does not exist");
            createAtOnce(log, "first\nsecond\n");

            assertThat(receive(follower, 2, "the lines of the file that appeared (it appeared with both lines at once:"
                    + " read it from its start, not from its end)")).containsExactly("first", "second");
        }

        @Test
        @Points(3)
        @Hint("When a file is truncated, or a rotated file is let go, the partial line you hold for it will never get"
                + " its newline: deliver it as it is. Each file has its own partial line: never join two files' bytes.")
        @DisplayName("a partial line held at a rotation or a truncation is delivered as it is, not joined to the next"
                + " line")
        void partialLineAtRotationOrTruncationIsDeliveredAsItIs() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b);
            try (OutputStream app = Files.newOutputStream(log, APPEND)) {
                // One write: once "complete 1" arrives, the follower has read the partial line after it too.
                app.write("complete 1\nkilled mid-li".getBytes(UTF_8));
                assertThat(receive(follower, 1, "the complete line before the partial one")).containsExactly(
                        "complete 1");
                Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.ATOMIC_MOVE);
            }
            createAtOnce(log, "restarted\n");
            assertThat(receive(follower, 2, "the new file's line, and the partial last line of the renamed file once"
                    + " that file was let go"))
                    .as("the renamed file's last line had no newline: it comes as it is, once the renamed file is let go"
                            + " (quiet for rotatedFileQuietPolls polls), as a line of its own - not joined to the new"
                            + " file's first line")
                    .containsExactlyInAnyOrder("killed mid-li", "restarted");

            append("complete 2\nERROR payment fail");
            assertThat(receive(follower, 1, "the complete line before the partial one")).containsExactly("complete 2");
            truncate(log);
            append("after truncation\n");
            assertThat(receive(follower, 2, "the partial line held at the truncation, then the first new line"))
                    .as("the partial line held when the file was truncated comes as it is (its newline can no longer"
                            + " come), then the truncated file's first line")
                    .containsExactly("ERROR payment fail", "after truncation");
            expectNothingMore(follower, "after both partial lines were delivered");
        }

        @Test
        @Points(3)
        @Hint("After the switch, keep the old file open and read it on, beside the new one, until nothing has been added"
                + " to it for rotatedFileQuietPolls poll intervals: the application writes to it until it reopens its"
                + " log (on SIGHUP, a moment after logrotate created the new file). Its partial last line waits for its"
                + " newline meanwhile. Then close it: an open descriptor keeps a deleted file's disk space.")
        @DisplayName("rename + create: what the application writes to the renamed file after the new file exists is"
                + " delivered too, and the renamed file is let go once it is quiet")
        void renamedFileIsReadOnUntilQuietThenReleased() throws Exception {
            log = write("app.log", "");
            // Let go after 1 s of quiet (50 polls): a busy machine may pause this thread a while between the steps.
            LogFollower follower = follow(b -> b.rotatedFileQuietPolls(50));
            Path renamed = dir.resolve("app.log.1");
            try (OutputStream app = Files.newOutputStream(log, APPEND)) {
                app.write("old 1\nold 2 is cut sh".getBytes(UTF_8));
                assertThat(receive(follower, 1, "the complete line before the partial one")).containsExactly("old 1");
                Files.move(log, renamed, StandardCopyOption.ATOMIC_MOVE);
                createAtOnce(log, "new 1\n");
                assertThat(receive(follower, 1, "the first line of the new file"))
                        .as("the renamed file ends in a partial line, and the application (which has not reopened its"
                                + " log yet) may still finish it: it must wait, not come before the new file's line")
                        .containsExactly("new 1");

                List<String> late = numbered("late", 1, 300);
                app.write((("ort\n") + lines(late.subList(0, 100))).getBytes(UTF_8));
                app.write(lines(late.subList(100, 300)).getBytes(UTF_8));
                List<String> expected = new ArrayList<>(List.of("old 2 is cut short"));
                expected.addAll(late);
                assertThat(receive(follower, expected.size(), "what the application wrote to the renamed file after the"
                        + " follower had switched to the new file"))
                        .as("the renamed file is read on, beside the new one, until it has been quiet for"
                                + " rotatedFileQuietPolls poll intervals (here 50 polls, 1 s)")
                        .containsExactlyElementsOf(expected);
            }
            append("new 2\n"); // the application has reopened its log
            assertThat(receive(follower, 1, "a line written to the new file afterwards")).containsExactly("new 2");

            Path renamedFile = renamed.toRealPath();
            await().pollInSameThread().atMost(RECEIVE_TIMEOUT).pollInterval(POLL).untilAsserted(() ->
                    assertThat(holds(Path.of("/proc/self/fd"), renamedFile))
                            .as("whether %s is still open, %d s after its last line (it is quiet: 1 s of quiet lets it"
                                    + " go; a deleted or renamed log held open forever keeps its disk space)",
                                    renamed.getFileName(), RECEIVE_TIMEOUT.toSeconds())
                            .isFalse());
            expectNothingMore(follower, "after the renamed file was let go (its lines were all delivered already)");
            assertThat(follower.stats().rotations()).as("stats().rotations()").isEqualTo(1);
        }

        @Test
        @Points(2)
        @Hint("Measure the quiet in time (rotatedFileQuietPolls x pollInterval since the file last grew), not in wake-ups;"
                + " and look at the rotated file at every poll: an event-only wait never wakes for a file moved out of the"
                + " directory it watches.")
        @DisplayName("a rotated file moved to another directory (logrotate's olddir) is read on until it has been quiet"
                + " for rotatedFileQuietPolls poll intervals")
        void rotatedFileInAnotherDirectoryIsReadForTheConfiguredQuietTime() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b.rotatedFileQuietPolls(100)); // 2 s at 20 ms
            Path olddir = Files.createDirectory(dir.resolve("old"));
            try (OutputStream app = Files.newOutputStream(log, APPEND)) {
                app.write("before\n".getBytes(UTF_8));
                assertThat(receive(follower, 1, "a line before the rotation")).containsExactly("before");
                Files.move(log, olddir.resolve("app.log.1"), StandardCopyOption.ATOMIC_MOVE);
                createAtOnce(log, "new 1\n");
                assertThat(receive(follower, 1, "the first line of the new file")).containsExactly("new 1");

                app.write("late 1\n".getBytes(UTF_8));
                assertThat(receive(follower, 1, "a line written to the rotated file, now in old/, after the switch"))
                        .as("a write to a file in another directory wakes no watch on app.log's directory: poll it")
                        .containsExactly("late 1");
                expectNothingMore(follower, POLL.multipliedBy(15), "while the rotated file was quiet for 15 poll intervals");
                app.write("late 2\n".getBytes(UTF_8));
                assertThat(receive(follower, 1, "a line written to the rotated file after 15 quiet poll intervals"))
                        .as("with rotatedFileQuietPolls(100) the rotated file is read until it has been quiet for 100"
                                + " poll intervals (2 s), not the default 5")
                        .containsExactly("late 2");
            }
        }

        @Test
        @Points(2)
        @Hint("Catch the IOException of one poll (a stat, an open, a read) and try again at the next poll: during a"
                + " rotation any single call may fail, and a follower whose thread has ended silently delivers"
                + " nothing ever again.")
        @DisplayName("a failed stat, open or read is retried at the next poll: the follower survives a broken name")
        void failedStatOrOpenIsRetried() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b);
            append("before\n");
            assertThat(receive(follower, 1, "a line before the name broke")).containsExactly("before");

            Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.ATOMIC_MOVE);
            // A symbolic link to itself: every stat or open of app.log fails (ELOOP), also for root.
            Files.createSymbolicLink(log, log.getFileName());
            expectNothingMore(follower, QUIET.multipliedBy(3), "while app.log was a symbolic link to itself");
            createAtOnce(log, "back 1\nback 2\n");

            assertThat(receive(follower, 2, "the lines of the regular file that replaced the broken name"))
                    .as("a failed stat or open must not end the follower: retried at the next poll, it finds the new"
                            + " file")
                    .containsExactly("back 1", "back 2");
        }

        @Test
        @Points(2)
        @Hint("Check the name at every poll, not every N polls or only when the old file has been idle for a while.")
        @DisplayName("a rotation is noticed within a poll interval (asserted within a generous 10 intervals)")
        void rotationIsNoticedWithinAPollInterval() throws Exception {
            Duration interval = Duration.ofMillis(100);
            log = write("app.log", "");
            LogFollower follower = follow(b -> b.pollInterval(interval));
            append("before\n");
            assertThat(receive(follower, 1, "a line before the rotation")).containsExactly("before");

            Files.move(log, dir.resolve("app.log.1"), StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(log, "after\n", CREATE_NEW);
            long start = System.nanoTime();
            assertThat(receive(follower, 1, "the first line of the new file")).containsExactly("after");
            long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertThat(elapsedMs).as("ms between the rotation and the first line of the new file (poll interval %d ms)",
                    interval.toMillis()).isLessThan(interval.multipliedBy(10).toMillis());
        }

        @Test
        @Points(6)
        @Timeout(20)
        @Hint("Run your own tests of each rotation kind first. Then check: the old file drained before the switch,"
                + " offset 0 for a new or rewritten file, the fingerprint reset on restart, no line lost at a buffer"
                + " or queue boundary.")
        @DisplayName("stress: 200,000 numbered lines through 52 mixed rotations arrive exactly as 1..N, in order")
        void stressThroughMixedRotations() throws Exception {
            log = write("app.log", "");
            LogFollower follower = follow(b -> b.pollInterval(Duration.ofMillis(5)));
            RotatingWriter writer = new RotatingWriter(log, 200_000, 52);
            Thread writerThread = Thread.ofPlatform().name("stress-writer").start(writer);
            try {
                long expected = 1;
                while (expected <= writer.total) {
                    String line = follower.poll(RECEIVE_TIMEOUT);
                    writer.rethrowFailure();
                    if (line == null) {
                        fail("no line for %d s after line %d of %d (%s)", RECEIVE_TIMEOUT.toSeconds(), expected - 1,
                                writer.total, writer.describe());
                    }
                    if (!line.equals(Long.toString(expected))) {
                        fail("after line %d the follower delivered '%s' instead of %d (%s)", expected - 1,
                                abbreviate(line), expected, writer.describe());
                    }
                    writer.received(expected++);
                }
                writerThread.join(RECEIVE_TIMEOUT);
                writer.rethrowFailure();
                expectNothingMore(follower, "after all " + writer.total + " lines were delivered");
                assertThat(writer.rotationsDone).as("rotations done by the writer").isEqualTo(52);
            } finally {
                writer.stop = true;
                writerThread.interrupt();
                writerThread.join(RECEIVE_TIMEOUT);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:3")
    @DisplayName("Task 3: back-pressure and clean shutdown")
    class BackPressureAndShutdown {

        @Test
        @Points(6)
        @Hint("Use a BlockingQueue with the given capacity and put(): when the consumer is behind, the follower"
                + " waits and the unread lines stay on disk. offer() drops lines; an unbounded queue fills the heap.")
        @DisplayName("a small queue and a slow consumer: nothing is lost and at most queueCapacity lines are held")
        void smallQueueAndSlowConsumerLoseNothing() throws Exception {
            int capacity = 8;
            int total = 20_000;
            log = write("app.log", lines(numbered("line", 1, total)));
            LogFollower follower = follow(b -> b.start(StartPosition.BEGINNING).queueCapacity(capacity));

            long maxHeld = 0;
            for (int i = 1; i <= total; i++) {
                String line = follower.poll(RECEIVE_TIMEOUT);
                assertThat(line).as("line %d of %d (null: nothing arrived for %d s)", i, total,
                        RECEIVE_TIMEOUT.toSeconds()).isEqualTo("line " + i);
                int queued = follower.queuedLines();
                assertThat(queued).as("queuedLines() after %d lines taken (queue capacity %d)", i, capacity)
                        .isLessThanOrEqualTo(capacity);
                // The line being handed to the full queue may already be counted as delivered: hence + 1.
                long held = Math.max(queued, follower.stats().linesDelivered() - i);
                maxHeld = Math.max(maxHeld, held);
                assertThat(held).as("lines read but not yet taken, after %d taken (queue capacity %d)", i, capacity)
                        .isLessThanOrEqualTo(capacity + 1);
                if (i <= 300) {
                    Thread.sleep(1); // a slow consumer: the follower is far ahead and must wait for it
                }
            }
            assertThat(maxHeld).as("the most lines held at once (the queue must have been full at times)")
                    .isGreaterThanOrEqualTo(capacity - 1);
            expectNothingMore(follower, "after all " + total + " lines were taken");
        }

        @Test
        @Points(3)
        @Timeout(120)
        @Hint("Hold at most maxLineBytes (+1 for a CR) of one line, skip the rest of a longer line without keeping it,"
                + " and read the file only as fast as the queue takes lines: the file is the buffer, not the heap.")
        @DisplayName("memory stays bounded: a 64 MB line, and a 48 MB file ahead of a stalled consumer, fit in a"
                + " 24 MB heap")
        void memoryStaysBoundedWhateverTheFileHolds() throws Exception {
            try (ChildJvm jvm = ChildJvm.builder(BoundedHeapProbe.class).jvmArgs("-Xmx24m").args(dir.toString())
                    .outputDirectory(dir.resolve("child")).start()) {
                int exit = jvm.awaitExit(Duration.ofSeconds(100));
                rethrowIfChildHitStub(jvm);
                assertThat(exit).as("exit status of a JVM with a 24 MB heap that follows a 64 MB line (maxLineBytes"
                        + " 64 KiB), then a 48 MB file with a queue of 8 and a consumer that stalls for 1 s (0: every"
                        + " line arrived and nothing ran out of memory)%s", jvm.outputForMessage()).isZero();
            }
        }

        @Test
        @Points(6)
        @Hint("close() must not wait out the poll interval or a put() on a full queue: interrupt the thread, join it"
                + " with a bound, and close the file in a finally block.")
        @DisplayName("close() returns within 1 s, even while sleeping or blocked on a full queue, and releases"
                + " the file and the thread")
        void closeIsQuickAndReleasesEverything() throws Exception {
            log = write("app.log", lines(numbered("line", 1, 100)));
            LeakCheck leaks = new LeakCheck();

            LeakCheck.Snapshot before = leaks.snapshot();
            LogFollower sleeping = LogFollower.start(FollowOptions.builder(log).start(StartPosition.BEGINNING)
                    .pollInterval(Duration.ofSeconds(30)).build());
            followers.add(sleeping);
            // Once all 100 lines have arrived and nothing more comes, the follower is asleep until its next poll.
            assertThat(receive(sleeping, 100, "the 100 lines of the file")).hasSize(100);
            expectNothingMore(sleeping, "after the 100 lines of the file");
            assertClosesQuickly(sleeping, "a follower sleeping between two polls (poll interval 30 s)");
            assertNothingLeftAfterClose(leaks, before, "the sleeping follower");

            before = leaks.snapshot();
            LogFollower blocked = LogFollower.start(FollowOptions.builder(log).start(StartPosition.BEGINNING)
                    .queueCapacity(2).pollInterval(POLL).build());
            followers.add(blocked);
            await().pollInSameThread().atMost(RECEIVE_TIMEOUT).until(() -> blocked.queuedLines() == 2);
            assertClosesQuickly(blocked, "a follower blocked on a full queue");
            assertNothingLeftAfterClose(leaks, before, "the blocked follower");
            assertThat(Stream.of(blocked.poll(Duration.ZERO), blocked.poll(Duration.ZERO)))
                    .as("the lines queued before close() (they can still be taken)").containsExactly("line 1", "line 2");
            blocked.close(); // a second close() is harmless
        }

        /**
         * Its thread and its files must be gone when close() returns. A closed {@link java.nio.file.WatchService} has
         * released its descriptors by then, but the JDK's thread behind it ends a moment later: it gets 2 s.
         */
        private void assertNothingLeftAfterClose(LeakCheck leaks, LeakCheck.Snapshot before, String which) {
            assertThat(leaks.leaksSince(before).stream().filter(l -> !l.startsWith("thread '" + JDK_WATCH_THREAD + "'")))
                    .as("what %s left behind right after close()", which).isEmpty();
            leaks.settlingWithin(Duration.ofSeconds(2)).assertNoLeaksSince(before);
        }

        private void assertClosesQuickly(LogFollower follower, String which) {
            long start = System.nanoTime();
            follower.close();
            long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(elapsedMs).as("ms that close() took for %s", which).isLessThan(1000);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:4")
    @DisplayName("Task 4: the command, and SIGTERM")
    class TheCommand {

        private static final Pattern SUMMARY = Pattern.compile("(\\d+) lines read");
        /** How long a child JVM may take to start (or to start and exit) on a busy machine: not what is graded. */
        private static final Duration CHILD_START = Duration.ofSeconds(30);
        /** How long the reader of stdout still lags once the command has closed the file (within its 2 s). */
        private static final Duration LAG = Duration.ofMillis(700);

        @Test
        @Points(7)
        @Timeout(60)
        @Hint("SIGTERM runs shutdown hooks. In yours: close the follower, let the printing loop empty the queue,"
                + " flush stdout, print the summary line to stderr - all within the 2 s a container stop allows.")
        @DisplayName("on SIGTERM the command exits within 2 s with status 143, having printed every line it read")
        void sigtermPrintsEveryLineReadAndExits() throws Exception {
            log = write("app.log", "");
            try (ChildJvm jvm = ChildJvm.builder(LogFollower.class)
                    .args("--from-beginning", "--poll-ms", "20", log.toString())
                    .outputDirectory(dir.resolve("child")).start()) {
                append("1\n");
                jvm.waitForOutput("1"::equals, CHILD_START);
                append(lines(IntStream.rangeClosed(2, 100_000).mapToObj(Integer::toString).toList()));

                jvm.sendSigterm();
                int exit = jvm.awaitExit(Duration.ofSeconds(2));

                rethrowIfChildHitStub(jvm);
                assertThat(exit).as("exit status after SIGTERM (128 + 15)%s", jvm.outputForMessage()).isEqualTo(143);
                Matcher summary = SUMMARY.matcher(jvm.stderr());
                assertThat(summary.find()).as("a summary '<N> lines read' on stderr%s", jvm.outputForMessage())
                        .isTrue();
                int read = Integer.parseInt(summary.group(1));
                List<String> printed = List.of(jvm.stdout().split("\n", -1));
                assertThat(jvm.stdout()).as("stdout ends with a complete line").endsWith("\n");
                List<String> expected = IntStream.rangeClosed(1, read).mapToObj(Integer::toString).toList();
                assertThat(printed.subList(0, printed.size() - 1))
                        .as("the lines printed: exactly the %d lines it read, in order", read)
                        .containsExactlyElementsOf(expected);
            }
        }

        @Test
        @Points(4)
        @Timeout(150)
        @Hint("Exit with 2 and the usage for bad arguments (a value that is not a number, an option without its value),"
                + " with 1 and the reason for a file that cannot be followed; no stack trace.")
        @DisplayName("bad arguments exit with status 2, a file that cannot be followed with status 1")
        void badInputExitsWithADocumentedStatus() throws Exception {
            try (ChildJvm jvm = ChildJvm.builder(LogFollower.class).args(dir.toString())
                    .outputDirectory(dir.resolve("child-1")).start()) {
                int exit = jvm.awaitExit(CHILD_START);
                rethrowIfChildHitStub(jvm);
                assertThat(exit).as("exit status when FILE is a directory%s", jvm.outputForMessage()).isEqualTo(1);
                assertThat(jvm.stderr()).as("stderr when FILE is a directory").contains(dir.toString())
                        .doesNotContain("\tat ");
            }
            for (List<String> args : List.of(List.of("--poll-ms", "soon", "app.log"), List.of("app.log", "--queue"))) {
                String option = args.get(0).startsWith("--") ? args.get(0) : args.get(1);
                try (ChildJvm jvm = ChildJvm.builder(LogFollower.class).args(args.toArray(String[]::new))
                        .outputDirectory(dir.resolve("child-" + option)).start()) {
                    int exit = jvm.awaitExit(CHILD_START);
                    rethrowIfChildHitStub(jvm);
                    assertThat(exit).as("exit status for the arguments %s%s", args, jvm.outputForMessage()).isEqualTo(2);
                    assertThat(jvm.stderr()).as("stderr for the arguments %s", args).contains(option)
                            .doesNotContain("\tat ");
                }
            }
        }

        @Test
        @Points(4)
        @Timeout(90)
        @Hint("The JVM exits as soon as the shutdown hooks are done. In the hook: close the follower first, then wait"
                + " (with a bound of about 1.5 s) until the printing loop has printed every queued line and flushed"
                + " stdout; when the reader of stdout lags, that takes a while. Print the summary only then.")
        @DisplayName("on SIGTERM with a reader of stdout that lags behind, every line read is still printed")
        void sigtermWithASlowReaderPrintsEveryLineRead() throws Exception {
            log = write("app.log", lines(IntStream.rangeClosed(1, 200_000).mapToObj(Integer::toString).toList()));
            Path stderr = dir.resolve("stderr.txt");
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dlogback.configurationFile=dev/opsworkbook/testing/child-logback.xml", "-cp",
                    ChildJvm.testClassPath(), LogFollower.class.getName(), "--from-beginning", "--poll-ms", "20",
                    log.toString());
            Process child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(stderr.toFile()).start();
            LaggingReader reader = new LaggingReader(child.getInputStream(), 64 * 1024);
            Thread readerThread = Thread.ofPlatform().name("lagging-stdout-reader").start(reader);
            try {
                // The reader takes 64 KiB, then pauses: the child, far ahead of it, fills the pipe and its buffers.
                await().pollInSameThread().atMost(CHILD_START).until(() -> reader.paused() || reader.ended);
                rethrowIfStubIn(Files.readString(stderr));
                assertThat(reader.ended).as("stdout ended before 64 KiB were printed; stderr: %s",
                        abbreviate(Files.readString(stderr))).isFalse();

                child.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our end of the pipe)
                // The reader lags behind: until the command has stopped reading (closed the file), then up to LAG
                // more. A command that prints every line it read cannot be done before the reader takes them: it
                // neither exits nor writes its summary meanwhile. The reader resumes as soon as it does.
                long released = awaitFileReleased(child, log, CHILD_START);
                long lagEnd = released + LAG.toNanos();
                while (System.nanoTime() < lagEnd && child.isAlive() && !SUMMARY.matcher(Files.readString(stderr)).find()) {
                    child.waitFor(10, TimeUnit.MILLISECONDS);
                }
                reader.resume();
                boolean exited = child.waitFor(30, TimeUnit.SECONDS);
                readerThread.join(RECEIVE_TIMEOUT);
                String err = Files.readString(stderr);
                assertThat(exited).as("the child exited after SIGTERM; stderr: %s", abbreviate(err)).isTrue();
                Matcher summary = SUMMARY.matcher(err);
                assertThat(summary.find()).as("a summary '<N> lines read' on stderr: %s", abbreviate(err)).isTrue();
                int read = Integer.parseInt(summary.group(1));
                List<String> printed = reader.lines();
                assertThat(printed.size()).as("lines printed to a reader of stdout that lagged %d ms behind at SIGTERM,"
                        + " against the %d lines read (the hook must wait until the printing loop has printed and flushed"
                        + " them all); stderr: %s", LAG.toMillis(), read, abbreviate(err)).isEqualTo(read);
                assertThat(printed).as("the lines printed: exactly the %d lines read, in order", read)
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, read).mapToObj(Integer::toString).toList());
            } finally {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
                reader.resume();
                readerThread.join(RECEIVE_TIMEOUT);
            }
        }

    }

    /** Reads a child's stdout: the first {@code pauseAfter} bytes, then nothing until {@link #resume()}, then all. */
    private static final class LaggingReader implements Runnable {
        private final java.io.InputStream in;
        private final int pauseAfter;
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private final CountDownLatch resumed = new CountDownLatch(1);
        private volatile boolean paused;
        volatile boolean ended;

        LaggingReader(java.io.InputStream in, int pauseAfter) {
            this.in = in;
            this.pauseAfter = pauseAfter;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try (in) {
                int total = 0;
                for (int n; (n = in.read(buffer, 0, total < pauseAfter ? Math.min(buffer.length, pauseAfter - total)
                        : buffer.length)) > 0; ) {
                    synchronized (out) {
                        out.write(buffer, 0, n);
                    }
                    total += n;
                    if (total >= pauseAfter && resumed.getCount() > 0) {
                        paused = true;
                        resumed.await();
                        paused = false;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the child was killed, or the test is over
            } finally {
                ended = true;
            }
        }

        boolean paused() {
            return paused;
        }

        void resume() {
            resumed.countDown();
        }

        /** The complete lines read; a last line without its newline counts as not printed. */
        List<String> lines() {
            String text;
            synchronized (out) {
                text = out.toString(UTF_8);
            }
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        }
    }

    /**
     * Waits until process {@code child} no longer has {@code file} open (it closed its follower), at most
     * {@code timeout}; returns when, as {@link System#nanoTime()}. Where {@code /proc} cannot tell, returns at once.
     */
    private static long awaitFileReleased(Process child, Path file, Duration timeout) throws Exception {
        Path fds = Path.of("/proc", Long.toString(child.pid()), "fd");
        Path target = file.toRealPath();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (child.isAlive() && System.nanoTime() < deadline && holds(fds, target)) {
            child.waitFor(10, TimeUnit.MILLISECONDS);
        }
        return System.nanoTime();
    }

    private static boolean holds(Path fds, Path target) {
        try (Stream<Path> links = Files.list(fds)) {
            return links.anyMatch(link -> {
                try {
                    return Files.readSymbolicLink(link).equals(target);
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static void rethrowIfStubIn(String stderr) {
        int at = stderr.indexOf("UnsupportedOperationException: TODO");
        if (at >= 0) {
            int end = stderr.indexOf('\n', at);
            throw new UnsupportedOperationException("TODO (in the child JVM): "
                    + stderr.substring(at, end < 0 ? stderr.length() : end));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    private LogFollower follow(UnaryOperator<FollowOptions.Builder> options) throws IOException {
        LogFollower follower = LogFollower.start(options.apply(FollowOptions.builder(log).pollInterval(POLL)).build());
        followers.add(follower);
        return follower;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private void append(String text) throws IOException {
        Files.writeString(log, text, CREATE, APPEND);
    }

    private void appendBytes(byte[] bytes, int from, int to) throws IOException {
        try (OutputStream out = Files.newOutputStream(log, CREATE, APPEND)) {
            out.write(bytes, from, to - from);
        }
    }

    private static void truncate(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, WRITE)) {
            channel.truncate(0);
        }
    }

    private static List<String> numbered(String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + " " + i).toList();
    }

    private static String lines(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    /** A byte offset inside the first multi-byte character of {@code text}. */
    private static int middleOfACharacter(String text) {
        int offset = 0;
        for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            int size = new String(Character.toChars(text.codePointAt(i))).getBytes(UTF_8).length;
            if (size > 1) {
                return offset + size - 1;
            }
            offset += size;
        }
        throw new IllegalArgumentException("no multi-byte character in " + text);
    }

    /** Takes {@code n} lines, waiting up to 5 s in all; fails with what did arrive. */
    private static List<String> receive(LogFollower follower, int n, String what) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + RECEIVE_TIMEOUT.toNanos();
        while (got.size() < n) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? follower.poll(Duration.ofNanos(left)) : null;
            if (line == null) {
                fail("%s: expected %d lines within %d s, received %d: %s", what, n, RECEIVE_TIMEOUT.toSeconds(),
                        got.size(), abbreviate(got.toString()));
            }
            got.add(line);
        }
        return got;
    }

    private static void expectNothingMore(LogFollower follower, String when) throws InterruptedException {
        expectNothingMore(follower, QUIET, when);
    }

    private static void expectNothingMore(LogFollower follower, Duration quiet, String when) throws InterruptedException {
        String extra = follower.poll(quiet);
        assertThat(extra).as("a line delivered %s (expected none)", when).isNull();
    }

    /** Creates {@code file} with {@code content} in one step (written beside it, then renamed into place). */
    private static void createAtOnce(Path file, String content) throws IOException {
        Path temporary = Files.writeString(file.resolveSibling("." + file.getFileName() + ".tmp"), content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Fails if {@code threads} use more than a quarter of the CPU time that a thread spinning all the time gets
     * during {@code window}: relative to a spinner, so that a busy machine does not change the verdict.
     */
    private static void assertNoBusyLoop(List<Thread> threads, Duration window, String when) throws Exception {
        assertThat(threads).as("the threads start() started (one platform thread per follower)").isNotEmpty();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] spinnerNanos = {0};
        long followerBefore = cpuNanos(mx, threads);
        Thread spinner = Thread.ofPlatform().name("busy-loop-yardstick").daemon().start(() -> {
            long cpuStart = mx.getCurrentThreadCpuTime();
            long deadline = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            spinnerNanos[0] = mx.getCurrentThreadCpuTime() - cpuStart;
        });
        spinner.join();
        long followerNanos = cpuNanos(mx, threads) - followerBefore;
        assertThat(followerNanos).as("CPU time of the follower's thread %s: %d ms in %d ms, against %d ms for a thread"
                        + " that spins all the time (a busy loop? sleep one poll interval between two looks)", when,
                        followerNanos / 1_000_000, window.toMillis(), spinnerNanos[0] / 1_000_000)
                .isLessThanOrEqualTo(spinnerNanos[0] / 4);
    }

    private static long cpuNanos(ThreadMXBean mx, List<Thread> threads) {
        return threads.stream().mapToLong(t -> Math.max(0, mx.getThreadCpuTime(t.threadId()))).sum();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    }

    /**
     * What {@code call} threw, which must be a {@code type}. A stub's UnsupportedOperationException is
     * rethrown as it is, so that an unimplemented method fails for that reason.
     */
    private <T extends Throwable> T thrownBy(Class<T> type, ThrowingCall call, String situation) {
        Throwable thrown = catchThrowable(() -> {
            LogFollower follower = call.call();
            if (follower != null) {
                followers.add(follower);
            }
        });
        if (thrown instanceof UnsupportedOperationException stub) {
            throw stub;
        }
        if (thrown == null) {
            fail("%s: expected %s, but start() returned a follower", situation, type.getSimpleName());
        }
        if (!type.isInstance(thrown)) {
            throw new AssertionError(situation + ": expected " + type.getSimpleName() + ", but start() threw "
                    + thrown, thrown);
        }
        return type.cast(thrown);
    }

    @FunctionalInterface
    interface ThrowingCall {
        LogFollower call() throws Exception;
    }

    /**
     * Runs in a child JVM with a small heap: follows a 64 MB line, then a 48 MB file with a stalled consumer.
     * Prints {@code ok} and exits 0 if every line arrived; exits 1 with the reason, or 3 if a thread died (an
     * {@code OutOfMemoryError}).
     */
    static final class BoundedHeapProbe {
        private static final int LINE_BYTES = 4096;

        public static void main(String[] args) throws Exception {
            Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
                System.err.println("thread " + thread.getName() + " died: " + e);
                System.err.flush();
                Runtime.getRuntime().halt(3);
            });
            Path dir = Path.of(args[0]);
            Path longLine = dir.resolve("long-line.log");
            long longLineBytes = 64L << 20;
            try (FileChannel file = FileChannel.open(longLine, CREATE_NEW, WRITE)) {
                // A sparse file: 64 MB of NUL bytes without a newline that cost no disk, then a short line.
                file.write(java.nio.ByteBuffer.wrap("\nshort\n".getBytes(UTF_8)), longLineBytes);
            }
            try (LogFollower follower = LogFollower.start(options(longLine, 64 * 1024))) {
                String first = follower.poll(Duration.ofSeconds(60));
                check(first != null && first.length() == 64 * 1024 && first.chars().allMatch(c -> c == 0),
                        "the 64 MB line cut to 65536 bytes, got " + (first == null ? "nothing within 60 s"
                                : first.length() + " chars"));
                String second = follower.poll(Duration.ofSeconds(30));
                check("short".equals(second), "the line after the 64 MB line, got " + second);
            }

            Path big = dir.resolve("big.log");
            int lines = 48 * (1 << 20) / LINE_BYTES;
            byte[] line = ("x".repeat(LINE_BYTES - 1) + "\n").getBytes(UTF_8);
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(1 << 20);
            while (chunk.hasRemaining()) {
                chunk.put(line);
            }
            try (FileChannel file = FileChannel.open(big, CREATE_NEW, WRITE)) {
                for (int i = 0; i < 48; i++) {
                    file.write(chunk.flip());
                }
            }
            try (LogFollower follower = LogFollower.start(options(big, 64 * 1024))) {
                String expected = "x".repeat(LINE_BYTES - 1);
                check(expected.equals(follower.poll(Duration.ofSeconds(30))), "the first line of the 48 MB file");
                Thread.sleep(1000); // a stalled consumer (a slow sink): the rest of the file must wait on disk
                for (int i = 2; i <= lines; i++) {
                    String got = follower.poll(Duration.ofSeconds(30));
                    check(expected.equals(got), "line " + i + " of " + lines + " of the 48 MB file, got "
                            + (got == null ? "nothing within 30 s" : got.length() + " chars"));
                }
            }
            System.out.println("ok");
        }

        private static FollowOptions options(Path file, int maxLineBytes) {
            return FollowOptions.builder(file).start(StartPosition.BEGINNING).maxLineBytes(maxLineBytes)
                    .queueCapacity(8).pollInterval(Duration.ofMillis(20)).build();
        }

        private static void check(boolean ok, String what) {
            if (!ok) {
                System.out.println("wrong: " + what);
                System.out.flush();
                System.exit(1);
            }
        }
    }

    /**
     * Writes {@code total} numbered lines ("1", "2", ...) through {@code rotations} rotations of four kinds
     * in turn, the way applications and logrotate do them:
     * <ol>
     *   <li>rename + create: the application still writes to the renamed file, closes it, and creates a new
     *       file whose first write is longer than the old file;</li>
     *   <li>copytruncate: logrotate copies the file and truncates it; the application (O_APPEND) writes on;</li>
     *   <li>truncate and regrow: the file is rewritten from its start with more bytes than it had;</li>
     *   <li>delete + create: the application deletes its file and creates a new one.</li>
     * </ol>
     * Truncating throws away whatever the follower had not read yet (logrotate's own window of loss), so
     * before kinds 2 and 3 the writer waits until the consumer has received everything written. Two
     * rotations within one poll would hide the file in between from any follower that polls the name (GNU
     * {@code tail -F} included), so before kinds 1 and 4 it waits until the consumer has received the first
     * line of the current file - but not its last lines: those are still to be read when the name moves.
     */
    private static final class RotatingWriter implements Runnable {
        final long total;
        final int rotations;
        private final Path log;
        private final Object lock = new Object();
        private volatile long received;
        private volatile long waitingFor = Long.MAX_VALUE;
        private volatile Throwable failure;
        volatile boolean stop;
        volatile int rotationsDone;
        private volatile long written;
        private volatile String lastRotation = "none yet";
        private long next = 1;
        private long firstLineOfCurrentFile = 1;
        private OutputStream out;

        RotatingWriter(Path log, long total, int rotations) {
            this.log = log;
            this.total = total;
            this.rotations = rotations;
        }

        @Override
        public void run() {
            try {
                out = open(log, APPEND);
                long perSegment = total / (rotations + 1);
                for (int r = 0; r <= rotations && !stop; r++) {
                    writeUpTo(r == rotations ? total : perSegment * (r + 1));
                    if (r < rotations) {
                        rotate(r);
                        firstLineOfCurrentFile = next;
                        rotationsDone = r + 1;
                    }
                }
                out.close();
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void rotate(int r) throws IOException, InterruptedException {
            Path rotated = log.resolveSibling(log.getFileName() + "." + r);
            switch (r % 4) {
                case 0 -> {
                    lastRotation = "rename + create #" + r;
                    out.flush();
                    awaitReceived(firstLineOfCurrentFile);
                    Files.move(log, rotated, StandardCopyOption.ATOMIC_MOVE);
                    writeUpTo(next + 9); // still going to the renamed file
                    out.close();
                    long oldSize = Files.size(rotated);
                    StringBuilder batch = new StringBuilder();
                    while (batch.length() <= oldSize + 100) {
                        batch.append(next++).append('\n');
                    }
                    Files.writeString(log, batch, CREATE_NEW);
                    written = next - 1;
                    out = open(log, APPEND);
                }
                case 1 -> {
                    lastRotation = "copytruncate #" + r;
                    out.flush();
                    awaitReceived(next - 1);
                    Files.copy(log, rotated);
                    truncate(log);
                }
                case 2 -> {
                    lastRotation = "truncate and regrow #" + r;
                    out.flush();
                    awaitReceived(next - 1);
                    long oldSize = Files.size(log);
                    StringBuilder batch = new StringBuilder();
                    while (batch.length() <= oldSize + 100) {
                        batch.append(next++).append('\n');
                    }
                    Files.writeString(log, batch, TRUNCATE_EXISTING, WRITE);
                    written = next - 1;
                }
                default -> {
                    lastRotation = "delete + create #" + r;
                    out.close();
                    awaitReceived(firstLineOfCurrentFile);
                    Files.delete(log);
                    out = open(log, CREATE_NEW, APPEND);
                }
            }
        }

        private void writeUpTo(long last) throws IOException {
            for (; next <= last; next++) {
                out.write(Long.toString(next).getBytes(UTF_8));
                out.write('\n');
            }
            written = next - 1;
        }

        private static OutputStream open(Path file, java.nio.file.OpenOption... options) throws IOException {
            return new BufferedOutputStream(Files.newOutputStream(file, options), 8192);
        }

        /** Called by the consumer for each line. */
        void received(long n) {
            received = n;
            if (n >= waitingFor) {
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }

        private void awaitReceived(long n) throws InterruptedException {
            waitingFor = n;
            long deadline = System.nanoTime() + RECEIVE_TIMEOUT.toNanos();
            synchronized (lock) {
                while (received < n && !stop) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the consumer did not receive line " + n + " within "
                                + RECEIVE_TIMEOUT.toSeconds() + " s (it got up to " + received + ")");
                    }
                    lock.wait(20);
                }
            }
            waitingFor = Long.MAX_VALUE;
        }

        void rethrowFailure() {
            if (failure != null) {
                throw new AssertionError("the writer failed (" + describe() + ")", failure);
            }
        }

        String describe() {
            return "writer: " + written + " lines written, " + rotationsDone + " rotations done, last: " + lastRotation;
        }
    }
}
