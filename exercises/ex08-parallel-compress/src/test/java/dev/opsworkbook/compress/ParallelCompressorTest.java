package dev.opsworkbook.compress;

import static dev.opsworkbook.testing.Stubs.rethrowIfChildHitStub;
import static dev.opsworkbook.testing.Stubs.rethrowIfStub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.opsworkbook.compress.FileResult.Status;
import dev.opsworkbook.compress.ScriptedFileOps.Fault;
import dev.opsworkbook.compress.ScriptedFileOps.Kind;
import dev.opsworkbook.grading.Hint;
import dev.opsworkbook.grading.Points;
import dev.opsworkbook.testing.ChildJvm;
import dev.opsworkbook.testing.LeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grading suite of ex08 parallel-compress. Every test compresses real files in a temporary directory, generated
 * from a seed (mixed text and random runs, so sizes never line up with a buffer), and checks the outputs the way a
 * user would: by decompressing them with {@code GZIPInputStream}, by {@code gzip -t}, and by listing the directory.
 * Faults and holds are injected through {@link Settings#fileOps()} ({@link ScriptedFileOps}).
 */
@DisplayName("ex08 parallel-compress: many files to gzip in parallel, atomic, retried, with byte progress")
class ParallelCompressorTest {

    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;
    /** Settings every test starts from: no real waits between attempts. */
    static final Sleeper NO_WAIT = d -> { };

    @RegisterExtension
    final LeakCheck leaks = LeakCheck.ignoringThreads();

    @TempDir
    Path tmp;

    static Settings.Builder settings() {
        return Settings.builder().threads(3).bufferSize(4 * KIB).sleeper(NO_WAIT);
    }

    /** The file names in {@code dir}, sorted. */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Deletes {@code dir} and everything below it (a temp directory outside {@code @TempDir}, on /dev/shm). */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static List<String> partials(Path dir) throws IOException {
        return names(dir).stream().filter(n -> n.endsWith(".tmp")).toList();
    }

    List<Path> corpus(long... sizes) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            files.add(Corpus.write(tmp.resolve("file-" + i + ".log"), sizes[i], 1000 + i));
        }
        return files;
    }

    static Path gz(Path input) {
        return input.resolveSibling(input.getFileName() + ".gz");
    }

    static void assertRoundTrips(Path input, Path gz) throws IOException {
        assertThat(gz).as("the output of %s", input.getFileName()).exists();
        long at = Corpus.firstDifference(input, gz);
        if (at >= 0) {
            fail("%s does not decompress to the bytes of %s: they differ from byte %d on (of %d)", gz.getFileName(),
                    input.getFileName(), at, Files.size(input));
        }
    }

    /** {@code gzip -t} on every file: the real tool must accept each as a valid gzip file. */
    static void assertGzipAccepts(List<Path> gzFiles) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gzip", "-t"));
        gzFiles.forEach(p -> command.add(p.toString()));
        Process gzip;
        try {
            gzip = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            Assumptions.abort("gzip is not installed here (scripts/verify.sh installs it for its peer check)");
            return;
        }
        String output = new String(gzip.getInputStream().readAllBytes());
        assertThat(gzip.waitFor()).as("gzip -t said: %s", output).isZero();
    }

    static Report compress(Settings settings, List<Path> inputs) throws InterruptedException {
        return new ParallelCompressor(settings).compress(inputs);
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:1")
    @DisplayName("Task 1: parallel gzip with atomic outputs")
    class Outputs {

        @Test
        @Timeout(30)
        @Points(3)
        @Hint("Each output is one gzip member: the 10-byte header, the raw deflate data from a Deflater(level, true), "
                + "then CRC-32 and the length, both little-endian. Check the empty file and sizes around your buffer.")
        @DisplayName("every file round-trips byte for byte, and gzip -t accepts every .gz (0 B, around the buffer size,"
                + " 3 MiB)")
        void roundTrip() throws Exception {
            List<Path> inputs = corpus(0, 1, 4 * KIB - 1, 4 * KIB, 4 * KIB + 1, 3 * MIB + 17, 200 * KIB);
            Report report = compress(settings().build(), inputs);
            List<Path> outputs = new ArrayList<>();
            for (Path input : inputs) {
                assertRoundTrips(input, gz(input));
                outputs.add(gz(input));
            }
            assertGzipAccepts(outputs);
            assertThat(report.files()).extracting(FileResult::status).containsOnly(Status.OK);
            assertThat(partials(tmp)).as("temp files left").isEmpty();
        }

        @Test
        @Points(2)
        @Hint("Results in the order of the inputs, whatever order the workers finish in; inputBytes is what you read, "
                + "outputBytes the size of the .gz.")
        @DisplayName("the report has one OK result per input, in input order, with the .gz path, input and output bytes"
                + " and 1 attempt")
        void report() throws Exception {
            List<Path> inputs = corpus(900 * KIB, 10, 300 * KIB, 0, 50 * KIB);
            long start = System.nanoTime();
            Report report = compress(settings().build(), inputs);
            Duration call = Duration.ofNanos(System.nanoTime() - start);
            assertThat(report.files()).extracting(FileResult::input).as("inputs, in order").containsExactlyElementsOf(
                    inputs);
            for (FileResult file : report.files()) {
                assertThat(file.status()).as("%s", file.input().getFileName()).isEqualTo(Status.OK);
                assertThat(file.output()).as("output of %s", file.input().getFileName()).isEqualTo(gz(file.input()));
                assertThat(file.inputBytes()).as("inputBytes of %s", file.input().getFileName())
                        .isEqualTo(Files.size(file.input()));
                assertThat(file.outputBytes()).as("outputBytes of %s", file.input().getFileName())
                        .isEqualTo(Files.size(gz(file.input())));
                assertThat(file.attempts()).as("attempts of %s", file.input().getFileName()).isEqualTo(1);
                assertThat(file.error()).isNull();
                assertThat(file.duration()).as("duration of %s, in a compress() call that took %s",
                        file.input().getFileName(), call).isBetween(Duration.ZERO, call);
            }
            assertThat(report.allOk()).isTrue();
        }

        @Test
        @Points(2)
        @Hint("Settings.level() goes to the Deflater: level 0 stores (output a little larger than the input), 9 packs "
                + "the text runs tighter than 1.")
        @DisplayName("the level is honoured: level 0 stores, level 9 is smaller than level 1 on compressible data")
        void level() throws Exception {
            Path text = tmp.resolve("text.log");
            StringBuilder sb = new StringBuilder();
            SplittableRandom random = new SplittableRandom(7);
            while (sb.length() < 512 * KIB) {
                sb.append("ts=").append(random.nextInt(1_000_000)).append(" level=INFO user=u").append(
                        random.nextInt(500)).append(" msg=\"request done\" status=").append(200 + random.nextInt(5))
                        .append('\n');
            }
            Files.writeString(text, sb);
            long[] sizes = new long[3];
            int[] levels = {0, 1, 9};
            for (int i = 0; i < levels.length; i++) {
                Path dir = Files.createDirectory(tmp.resolve("level-" + levels[i]));
                FileResult r = compress(settings().level(levels[i]).outputDir(dir).build(), List.of(text)).files()
                        .getFirst();
                assertRoundTrips(text, dir.resolve("text.log.gz"));
                sizes[i] = Files.size(dir.resolve("text.log.gz"));
                assertThat(r.outputBytes()).isEqualTo(sizes[i]);
            }
            assertThat(sizes[0]).as("level 0 (stored) size vs input %d", Files.size(text))
                    .isGreaterThan(Files.size(text));
            assertThat(sizes[2]).as("level 9 size vs level 1 size").isLessThan(sizes[1]);
        }

        @Test
        @Points(2)
        @Hint("outputDir null: resolveSibling(name + \".gz\"); otherwise outputDir.resolve(name + \".gz\"). The temp "
                + "file goes beside the output, so the rename never crosses file systems.")
        @DisplayName("with an output directory every .gz goes there and nothing is written beside the inputs")
        void outputDir() throws Exception {
            List<Path> inputs = corpus(70 * KIB, 5 * KIB);
            Path out = Files.createDirectory(tmp.resolve("out"));
            Report report = compress(settings().outputDir(out).build(), inputs);
            assertThat(names(out)).containsExactly("file-0.log.gz", "file-1.log.gz");
            assertThat(names(tmp)).containsExactlyInAnyOrder("file-0.log", "file-1.log", "out");
            assertThat(report.files().get(1).output()).isEqualTo(out.resolve("file-1.log.gz"));
            assertRoundTrips(inputs.get(0), out.resolve("file-0.log.gz"));
        }

        @Test
        @Points(2)
        @Hint("SKIPPED: attempts 0, output null, nothing opened. Check before the first attempt: the name ends with "
                + "\".gz\", or the .gz exists and overwrite is off.")
        @DisplayName("an existing .gz is SKIPPED and left unchanged unless overwrite is on; an input named *.gz is"
                + " SKIPPED")
        void skipped() throws Exception {
            List<Path> inputs = corpus(20 * KIB, 20 * KIB);
            Files.writeString(gz(inputs.get(0)), "old output");
            Path already = Files.writeString(tmp.resolve("old.gz"), "not ours");
            List<Path> all = List.of(inputs.get(0), inputs.get(1), already);
            Report report = compress(settings().build(), all);
            assertThat(report.files()).extracting(FileResult::status).containsExactly(Status.SKIPPED, Status.OK,
                    Status.SKIPPED);
            assertThat(report.files().get(0).attempts()).as("attempts of a skipped file").isZero();
            assertThat(Files.readString(gz(inputs.get(0)))).as("the existing .gz").isEqualTo("old output");
            assertThat(names(tmp)).doesNotContain("old.gz.gz");

            Report again = compress(settings().overwrite(true).build(), List.of(inputs.get(0)));
            assertThat(again.files().getFirst().status()).as("with overwrite on").isEqualTo(Status.OK);
            assertRoundTrips(inputs.get(0), gz(inputs.get(0)));
        }

        @Test
        @Points(3)
        @Hint("Write to <name>.gz.tmp through fileOps().createOutput, sync() it, close it, then "
                + "fileOps().moveAtomically(temp, target). Never write under the final name.")
        @DisplayName("while a file is being compressed only <name>.gz.tmp exists; the .gz appears by an atomic rename"
                + " after sync()")
        void tempThenRename() throws Exception {
            Path input = corpus(600 * KIB).getFirst();
            ScriptedFileOps ops = new ScriptedFileOps();
            ops.holdAt = 300 * KIB;
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().name("test-caller").start(() -> {
                try {
                    outcome.set(compress(settings().fileOps(ops).build(), List.of(input)));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> ops.heldNow.get() == 1 || outcome.get() != null);
                rethrowIfDone(outcome);
                assertThat(names(tmp)).as("files while half of the input is compressed")
                        .containsExactlyInAnyOrder("file-0.log", "file-0.log.gz.tmp");
            } finally {
                ops.release.countDown();
                caller.join(TimeUnit.SECONDS.toMillis(20));
            }
            rethrowIfDone(outcome);
            assertThat(names(tmp)).containsExactlyInAnyOrder("file-0.log", "file-0.log.gz");
            assertRoundTrips(input, gz(input));
            List<String> events = ops.events.stream().filter(e -> !e.startsWith("open")).toList();
            assertThat(events).as("file operations, in order").containsSubsequence("create file-0.log.gz.tmp",
                    "sync file-0.log.gz.tmp", "move file-0.log.gz.tmp file-0.log.gz");
            assertThat(events.indexOf("close file-0.log.gz.tmp")).as("the temp file is closed before the rename: %s",
                    events).isBetween(0, events.indexOf("move file-0.log.gz.tmp file-0.log.gz"));
        }

        @Test
        @Timeout(30)
        @Points(3)
        @Hint("A fixed pool of `threads` workers, one file each at a time; submit every file, then collect the "
                + "results in input order.")
        @DisplayName("`threads` files are compressed at once, never more (6 files, 3 threads)")
        void parallel() throws Exception {
            List<Path> inputs = corpus(40 * KIB, 40 * KIB, 40 * KIB, 40 * KIB, 40 * KIB, 40 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps();
            ops.rendezvous = 3;
            Report report = compress(settings().threads(3).fileOps(ops).build(), inputs);
            assertThat(ops.maxOpen.get()).as("inputs open at once with threads(3)").isEqualTo(3);
            assertThat(report.count(Status.OK)).isEqualTo(6);
        }

        @Test
        @Points(2)
        @Hint("Work out every target first, and compare them as absolute, normalized paths.")
        @DisplayName("two inputs that would write the same .gz are an IllegalArgumentException, before anything is"
                + " written")
        void sameTarget() throws Exception {
            Path a = Corpus.write(Files.createDirectory(tmp.resolve("a")).resolve("same.log"), 10 * KIB, 1);
            Path b = Corpus.write(Files.createDirectory(tmp.resolve("b")).resolve("same.log"), 10 * KIB, 2);
            Path out = Files.createDirectory(tmp.resolve("out"));
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> compress(settings().outputDir(out).build(), List.of(a, b)));
            rethrowIfStub(thrown);
            assertThat(thrown).as("two inputs named same.log into one output directory")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(names(out)).as("written before the exception").isEmpty();
        }

        @Test
        @Timeout(30)
        @Points(2)
        @Hint("compress() must leave the compressor ready for the next call: whatever one call shuts down at its end "
                + "(its worker pool, so that no worker outlives it) the next call has to create again.")
        @DisplayName("one ParallelCompressor serves several calls, one after the other: the files of the second call"
                + " are compressed too")
        void severalCalls() throws Exception {
            List<Path> inputs = corpus(30 * KIB, 5 * KIB, 60 * KIB, 1, 20 * KIB);
            // threads 0: the processors available, in this JVM too (the child-JVM test checks how many)
            ParallelCompressor compressor = new ParallelCompressor(settings().threads(0).build());
            List<List<Path>> calls = List.of(inputs.subList(0, 2), inputs.subList(2, 5));
            for (int call = 0; call < calls.size(); call++) {
                List<Path> files = calls.get(call);
                Report report;
                try {
                    report = compressor.compress(files);
                } catch (RuntimeException e) {
                    rethrowIfStub(e);
                    throw new AssertionError("call " + (call + 1) + " of compress() on the same ParallelCompressor "
                            + "threw " + e, e);
                }
                assertThat(report.files()).as("results of call %d", call + 1).extracting(FileResult::status)
                        .containsOnly(Status.OK).hasSize(files.size());
                for (Path input : files) {
                    assertRoundTrips(input, gz(input));
                }
            }
        }
    }

    static void rethrowIfDone(AtomicReference<Object> outcome) throws Exception {
        if (outcome.get() instanceof Throwable t) {
            rethrowIfStub(t);
            if (t instanceof Exception e) {
                throw e;
            }
            throw new AssertionError(t);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:2")
    @DisplayName("Task 2: failures and retries")
    class Failures {

        @Test
        @Points(3)
        @Hint("One file's exception belongs in its FileResult, never out of compress(). NoSuchFileException and "
                + "AccessDeniedException are not retried.")
        @DisplayName("a missing or unreadable input fails alone: FAILED after 1 attempt with NoSuchFileException or"
                + " AccessDeniedException, the others are OK")
        void missingInput() throws Exception {
            List<Path> inputs = new ArrayList<>(corpus(30 * KIB, 30 * KIB, 30 * KIB));
            inputs.add(1, tmp.resolve("vanished.log"));
            ScriptedFileOps ops = new ScriptedFileOps().fail("file-2.log", new Fault(Kind.DENIED, 0),
                    new Fault(Kind.DENIED, 0), new Fault(Kind.DENIED, 0));
            Report report = compress(settings().fileOps(ops).build(), inputs);
            FileResult denied = report.files().get(3);
            assertThat(denied.status()).as("file-2.log, whose openInput throws AccessDeniedException")
                    .isEqualTo(Status.FAILED);
            assertThat(denied.error()).isInstanceOf(java.nio.file.AccessDeniedException.class);
            assertThat(denied.attempts()).as("attempts on a file that cannot be read").isEqualTo(1);
            FileResult missing = report.files().get(1);
            assertThat(missing.status()).isEqualTo(Status.FAILED);
            assertThat(missing.error()).as("error of the missing file").isInstanceOf(NoSuchFileException.class);
            assertThat(missing.attempts()).as("attempts on a missing file").isEqualTo(1);
            assertThat(missing.output()).isNull();
            assertThat(report.files().get(0).status()).isEqualTo(Status.OK);
            assertThat(report.files().get(2).status()).isEqualTo(Status.OK);
            assertThat(report.allOk()).isFalse();
            assertThat(names(tmp)).containsExactlyInAnyOrder("file-0.log", "file-0.log.gz", "file-1.log",
                    "file-1.log.gz", "file-2.log");
        }

        @Test
        @Points(2)
        @Hint("Only an IOException may earn another attempt; a RuntimeException (a bug somewhere, not a flaky disk) "
                + "fails that file at once, and still belongs in its FileResult, with its temp file deleted.")
        @DisplayName("a RuntimeException from an attempt fails that file at once: FAILED after 1 attempt with that"
                + " exception, nothing left of it, the others OK")
        void runtimeExceptionNotRetried() throws Exception {
            List<Path> inputs = corpus(40 * KIB, 40 * KIB, 40 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps().fail("file-1.log", new Fault(Kind.RUNTIME, 0));
            Report report = compress(settings().fileOps(ops).build(), inputs);
            FileResult broken = report.files().get(1);
            assertThat(broken.status()).as("file-1.log, whose first openInput throws IllegalStateException (a second "
                    + "attempt would succeed)").isEqualTo(Status.FAILED);
            assertThat(broken.attempts()).as("attempts on file-1.log").isEqualTo(1);
            assertThat(broken.error()).isInstanceOf(IllegalStateException.class);
            assertThat(report.files().get(0).status()).isEqualTo(Status.OK);
            assertThat(report.files().get(2).status()).isEqualTo(Status.OK);
            assertThat(names(tmp)).containsExactlyInAnyOrder("file-0.log", "file-0.log.gz", "file-1.log",
                    "file-2.log", "file-2.log.gz");
        }

        @Test
        @Points(4)
        @Hint("Every attempt opens the input again and creates the temp file again (createOutput truncates it). "
                + "Do not reuse a stream, a Deflater or a CRC32 from the failed attempt.")
        @DisplayName("an IOException mid-way is retried from a clean temp file: the .gz round-trips after 2 attempts")
        void retryFromClean() throws Exception {
            List<Path> inputs = corpus(500 * KIB, 500 * KIB, 500 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps()
                    .fail("file-0.log", new Fault(Kind.READ, 321 * KIB))
                    .fail("file-1.log", new Fault(Kind.WRITE, 77 * KIB))
                    .fail("file-2.log", new Fault(Kind.MOVE, 0));
            Report report = compress(settings().fileOps(ops).build(), inputs);
            for (int i = 0; i < 3; i++) {
                FileResult file = report.files().get(i);
                assertThat(file.status()).as("%s, error %s", file.input().getFileName(), file.error())
                        .isEqualTo(Status.OK);
                assertThat(file.attempts()).as("attempts of %s", file.input().getFileName()).isEqualTo(2);
                assertRoundTrips(inputs.get(i), gz(inputs.get(i)));
                assertThat(file.inputBytes()).isEqualTo(Files.size(inputs.get(i)));
            }
            assertThat(partials(tmp)).isEmpty();
        }

        @Test
        @Points(3)
        @Hint("Wait initialBackoff before attempt 2, then double, never more than maxBackoff; through "
                + "settings.sleeper(), never Thread.sleep directly.")
        @DisplayName("between attempts it waits through the Sleeper: initialBackoff, doubled each time, capped at"
                + " maxBackoff")
        void backoff() throws Exception {
            Path input = corpus(50 * KIB).getFirst();
            Fault read = new Fault(Kind.READ, 10 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps().fail("file-0.log", read, read, read, read, read, read);
            List<Duration> waits = new CopyOnWriteArrayList<>();
            Report report = compress(settings().fileOps(ops).maxAttempts(6).sleeper(waits::add)
                    .backoff(Duration.ofMillis(10), Duration.ofMillis(70)).build(), List.of(input));
            assertThat(waits).as("waits between 6 attempts").containsExactly(Duration.ofMillis(10),
                    Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(70), Duration.ofMillis(70));
            assertThat(report.files().getFirst().attempts()).isEqualTo(6);
        }

        @Test
        @Points(3)
        @Hint("On the last failed attempt: delete the temp file, keep the exception for the result, and let the other "
                + "files go on.")
        @DisplayName("a file that fails every attempt is FAILED with the last IOException and leaves neither .gz nor"
                + " .gz.tmp; the others are OK")
        void givesUp() throws Exception {
            List<Path> inputs = corpus(200 * KIB, 200 * KIB, 200 * KIB, 200 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps()
                    .fail("file-1.log", new Fault(Kind.WRITE, 1), new Fault(Kind.READ, 150 * KIB),
                            new Fault(Kind.SYNC, 0))
                    .fail("file-2.log", new Fault(Kind.READ, 5), new Fault(Kind.WRITE, 90 * KIB),
                            new Fault(Kind.MOVE, 0));
            Report report = compress(settings().fileOps(ops).build(), inputs);
            assertThat(report.files()).extracting(FileResult::status).containsExactly(Status.OK, Status.FAILED,
                    Status.FAILED, Status.OK);
            assertThat(report.files().get(1).error()).as("error of file-1 (its 3rd attempt failed in sync())")
                    .isInstanceOf(IOException.class).hasMessageContaining("fsync");
            assertThat(report.files().get(2).error()).as("error of file-2 (its 3rd attempt failed in the rename)")
                    .isInstanceOf(IOException.class).hasMessageContaining("rename");
            assertThat(report.files().get(1).attempts()).isEqualTo(3);
            assertThat(names(tmp)).containsExactlyInAnyOrder("file-0.log", "file-0.log.gz", "file-1.log",
                    "file-2.log", "file-3.log", "file-3.log.gz");
        }

        @Test
        @Timeout(60)
        @Points(5)
        @Hint("Delete the temp file in a catch or finally that every failure passes through, including a failed "
                + "sync() or rename; the attempt count and the result come from one loop per file.")
        @DisplayName("40 randomized runs with faults at random bytes, in sync() and in the rename: no partial file is"
                + " ever left, every file is OK after the expected attempts or FAILED")
        void randomizedFaults() throws Exception {
            SplittableRandom random = new SplittableRandom(20261201);
            for (int run = 0; run < 40; run++) {
                Path dir = Files.createDirectory(tmp.resolve("run-" + run));
                List<Path> inputs = new ArrayList<>();
                ScriptedFileOps ops = new ScriptedFileOps();
                Map<String, Integer> failures = new TreeMap<>();
                for (int f = 0; f < 4; f++) {
                    long size = 1 + random.nextInt(120 * KIB);
                    Path input = Corpus.write(dir.resolve("in-" + f + ".dat"), size, random.nextLong());
                    inputs.add(input);
                    int failing = random.nextInt(5); // 0..4 failing attempts; 3 or more exhausts maxAttempts 3
                    Fault[] faults = new Fault[failing];
                    for (int a = 0; a < failing; a++) {
                        Kind kind = ScriptedFileOps.TRANSIENT[random.nextInt(ScriptedFileOps.TRANSIENT.length)];
                        faults[a] = new Fault(kind, kind == Kind.READ ? random.nextLong(size) : random.nextLong(
                                Math.max(1, size / 2)));
                    }
                    ops.fail(input.getFileName().toString(), faults);
                    failures.put(input.getFileName().toString(), failing);
                }
                Report report = compress(settings().threads(1 + random.nextInt(4)).fileOps(ops).build(), inputs);
                for (int f = 0; f < 4; f++) {
                    FileResult file = report.files().get(f);
                    int failing = failures.get(inputs.get(f).getFileName().toString());
                    String what = "run " + run + ", " + file.input().getFileName() + " with " + failing
                            + " failing attempt(s): " + ops.faults.get(file.input().getFileName().toString())
                            + "; error " + file.error();
                    if (failing < 3) {
                        assertThat(file.status()).as(what).isEqualTo(Status.OK);
                        assertThat(file.attempts()).as(what).isEqualTo(failing + 1);
                        assertRoundTrips(inputs.get(f), gz(inputs.get(f)));
                    } else {
                        assertThat(file.status()).as(what).isEqualTo(Status.FAILED);
                        assertThat(file.attempts()).as(what).isEqualTo(3);
                        assertThat(dir.resolve(inputs.get(f).getFileName() + ".gz")).as(what).doesNotExist();
                    }
                }
                assertThat(partials(dir)).as("temp files left after run %d", run).isEmpty();
            }
        }

        @Test
        @Points(3)
        @Hint("With overwrite, the old .gz is replaced only by the rename of a complete temp file; until then, and "
                + "after a failure, it stays as it was.")
        @DisplayName("an overwrite that fails every attempt leaves the previous .gz exactly as it was")
        void failedOverwriteKeepsOld() throws Exception {
            Path input = corpus(100 * KIB).getFirst();
            Files.writeString(gz(input), "previous good output");
            Fault write = new Fault(Kind.WRITE, 20 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps().fail("file-0.log", write, write, write);
            Report report = compress(settings().overwrite(true).fileOps(ops).build(), List.of(input));
            assertThat(report.files().getFirst().status()).isEqualTo(Status.FAILED);
            assertThat(Files.readString(gz(input))).as("the previous .gz after a failed overwrite")
                    .isEqualTo("previous good output");
            assertThat(partials(tmp)).isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------
    /** Records every progress call; detects two calls at once. */
    static final class Recorder implements ProgressListener {
        final List<Progress> calls = new ArrayList<>(); // not thread-safe on purpose: the compressor serializes calls
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();

        @Override
        public void onProgress(Progress progress) {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            calls.add(progress);
            for (int i = 0; i < 50; i++) {
                Thread.onSpinWait(); // widen the window in which an overlapping call would be seen
            }
            Thread.yield();
            inside.decrementAndGet();
        }

        List<Progress> snapshot() {
            synchronized (calls) {
                return List.copyOf(calls);
            }
        }
    }

    static void assertMonotonicToTotal(List<Progress> calls, long total, int files) {
        assertThat(calls).as("progress calls").isNotEmpty();
        for (int i = 1; i < calls.size(); i++) {
            Progress before = calls.get(i - 1);
            Progress now = calls.get(i);
            if (now.bytesDone() < before.bytesDone() || now.filesDone() < before.filesDone()) {
                fail("progress went backwards: call %d was %s, call %d %s", i - 1, before, i, now);
            }
        }
        for (Progress p : calls) {
            assertThat(p.bytesTotal()).as("bytesTotal in %s", p).isEqualTo(total);
            assertThat(p.filesTotal()).as("filesTotal in %s", p).isEqualTo(files);
        }
        Progress last = calls.getLast();
        assertThat(last.bytesDone()).as("bytesDone of the last call, %s", last).isEqualTo(total);
        assertThat(last.filesDone()).as("filesDone of the last call, %s", last).isEqualTo(files);
    }

    @Nested
    @Tag("task:3")
    @DisplayName("Task 3: progress by bytes")
    class ProgressByBytes {

        @Test
        @Points(3)
        @Hint("bytesTotal is the sum of the files' sizes when compress starts; report after every buffer you read, "
                + "not after every file.")
        @DisplayName("progress counts bytes: bytesTotal is the sum of the sizes, it advances within a big file, and"
                + " ends at exactly the total")
        void bytes() throws Exception {
            List<Path> inputs = corpus(2 * MIB + 5, 1 * KIB, 1 * KIB, 1 * KIB, 3 * KIB, 0);
            long total = 2 * MIB + 5 + 6 * KIB;
            Recorder recorder = new Recorder();
            compress(settings().threads(2).listener(recorder).build(), inputs);
            List<Progress> calls = recorder.snapshot();
            assertMonotonicToTotal(calls, total, inputs.size());
            long distinct = calls.stream().mapToLong(Progress::bytesDone).distinct().count();
            assertThat(distinct).as("distinct bytesDone values while 2 MiB pass through 4 KiB buffers (one per file "
                    + "would be %d)", inputs.size()).isGreaterThan(100);
        }

        @Test
        @Points(4)
        @Hint("Keep the counters and the listener call under one lock (or a single reporting thread), so that a "
                + "call never overlaps another and never reports fewer bytes than the call before.")
        @DisplayName("listener calls never overlap and never go backwards, with 4 workers and small buffers")
        void threadSafe() throws Exception {
            List<Path> inputs = corpus(400 * KIB, 400 * KIB, 400 * KIB, 400 * KIB, 400 * KIB, 400 * KIB, 400 * KIB,
                    400 * KIB);
            Recorder recorder = new Recorder();
            compress(settings().threads(4).bufferSize(Settings.MIN_BUFFER_SIZE).level(1).listener(recorder).build(),
                    inputs);
            assertThat(recorder.overlaps.get()).as("listener calls that overlapped another").isZero();
            assertMonotonicToTotal(recorder.snapshot(), 8 * 400 * KIB, 8);
        }

        @Test
        @Points(4)
        @Hint("Per file, count only bytes past the furthest point any attempt reached; when a file ends (OK, FAILED "
                + "or SKIPPED) add whatever of its size is not counted yet.")
        @DisplayName("a retried file is not counted twice, a failed or skipped file's bytes count when it ends: the"
                + " progress still ends exactly at the total")
        void retriesAndFailures() throws Exception {
            List<Path> inputs = corpus(300 * KIB, 300 * KIB, 300 * KIB);
            Files.writeString(gz(inputs.get(2)), "exists");
            Fault read = new Fault(Kind.READ, 200 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps()
                    .fail("file-0.log", read, read)
                    .fail("file-1.log", read, read, read);
            Recorder recorder = new Recorder();
            Report report = compress(settings().fileOps(ops).listener(recorder).build(), inputs);
            assertThat(report.files()).extracting(FileResult::status).containsExactly(Status.OK, Status.FAILED,
                    Status.SKIPPED);
            assertMonotonicToTotal(recorder.snapshot(), 900 * KIB, 3);
        }

        @Test
        @Points(2)
        @Hint("An empty list is still a finished call: tell the listener 0 of 0 once. elapsed comes from one start "
                + "time per call. Catch what the listener throws: a progress bar must not fail a backup.")
        @DisplayName("an empty list reports 0 of 0 once; elapsed never decreases; a listener that throws does not stop"
                + " the work")
        void emptyAndElapsed() throws Exception {
            Recorder empty = new Recorder();
            Report report = compress(settings().listener(empty).build(), List.of());
            assertThat(report.files()).isEmpty();
            assertThat(empty.snapshot()).as("progress calls for an empty list").hasSize(1);
            assertThat(empty.snapshot().getFirst().bytesTotal()).isZero();

            Recorder recorder = new Recorder();
            List<Path> inputs = corpus(300 * KIB, 200 * KIB);
            long start = System.nanoTime();
            compress(settings().listener(recorder).build(), inputs);
            Duration call = Duration.ofNanos(System.nanoTime() - start);
            List<Progress> calls = recorder.snapshot();
            assertThat(calls).as("progress calls").isNotEmpty();
            assertThat(calls.getLast().elapsed()).as("elapsed of the last call, in a compress() call that took %s",
                    call).isBetween(Duration.ZERO, call);
            for (int i = 1; i < calls.size(); i++) {
                assertThat(calls.get(i).elapsed()).as("elapsed of call %d after %s", i, calls.get(i - 1).elapsed())
                        .isGreaterThanOrEqualTo(calls.get(i - 1).elapsed());
            }

            Path out = Files.createDirectory(tmp.resolve("out"));
            Report despite = compress(settings().outputDir(out).listener(p -> {
                throw new IllegalStateException("a broken progress bar");
            }).build(), corpus(100 * KIB, 50 * KIB));
            assertThat(despite.files()).as("results with a listener that always throws").extracting(FileResult::status)
                    .containsOnly(Status.OK);
        }
    }

    // ------------------------------------------------------------------------------------------------
    @Nested
    @Tag("task:4")
    @DisplayName("Task 4: bounded memory, Deflaters, threads and cancellation")
    class Resources {

        @Test
        @Points(4)
        @Hint("Create each attempt's Deflater with settings.deflaters().create(level) and end() it in a finally: "
                + "DeflaterOutputStream.close() never ends a Deflater you passed in, and GZIPOutputStream's own "
                + "Deflater does not come from Settings.")
        @DisplayName("every Deflater comes from Settings.deflaters() and is ended on every path: success, retry,"
                + " failure; no more alive than threads")
        void deflatersEnded() throws Exception {
            List<Path> inputs = corpus(100 * KIB, 100 * KIB, 100 * KIB, 100 * KIB, 100 * KIB);
            Fault write = new Fault(Kind.WRITE, 10 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps()
                    .fail("file-0.log", write)
                    .fail("file-1.log", write, write, write)
                    .fail("file-2.log", new Fault(Kind.SYNC, 0), new Fault(Kind.MOVE, 0));
            CountingDeflaters deflaters = new CountingDeflaters();
            compress(settings().threads(2).fileOps(ops).deflaters(deflaters).build(), inputs);
            int attempts = 2 + 3 + 3 + 1 + 1;
            assertThat(deflaters.created.get()).as("Deflaters created through Settings.deflaters() for %d attempts",
                    attempts).isGreaterThanOrEqualTo(attempts);
            assertThat(deflaters.live.get()).as("Deflaters not ended when compress() returned").isZero();
            assertThat(deflaters.peak.get()).as("Deflaters alive at once with 2 threads").isLessThanOrEqualTo(2);
        }

        @Test
        @Timeout(60)
        @Points(2)
        @Hint("Read each file in the worker that deflates it, one buffer at a time. A reader thread ahead of the "
                + "deflater needs a queue with a small capacity (new ArrayBlockingQueue<>(2)): an unbounded queue fills "
                + "with the whole file whenever the output is slower than the input.")
        @DisplayName("while a file's output is stalled, its input is read at most a few MiB ahead: read-ahead has a"
                + " bound")
        void readAheadBounded() throws Exception {
            Path input = tmp.resolve("random.bin");
            byte[] bytes = new byte[24 * MIB];
            new SplittableRandom(8).nextBytes(bytes); // incompressible: the output keeps pace with the input
            Files.write(input, bytes);
            ScriptedFileOps ops = new ScriptedFileOps();
            ops.holdWritesAt = 256 * KIB; // the output "disk" stalls once 256 KiB are written, until released
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().name("test-caller").start(() -> {
                try {
                    outcome.set(compress(settings().threads(1).bufferSize(64 * KIB).fileOps(ops).build(),
                            List.of(input)));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            long bound = 256 * KIB + 4 * MIB;
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> ops.heldWrites.get() > 0 || outcome.get() != null);
                rethrowIfDone(outcome);
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                        assertThat(ops.bytesRead.get()).as("bytes of the 24 MiB input read while the output is "
                                + "stalled at 256 KiB (threads 1, bufferSize 64 KiB): read-ahead must stop a few "
                                + "buffers ahead, not read the whole file into a queue").isLessThanOrEqualTo(bound));
            } finally {
                ops.release.countDown();
                caller.join(TimeUnit.SECONDS.toMillis(30));
            }
            rethrowIfDone(outcome);
            assertThat(outcome.get()).as("compress() after the output resumed").isInstanceOf(Report.class);
            assertThat(((Report) outcome.get()).files()).extracting(FileResult::status).containsExactly(Status.OK);
            assertRoundTrips(input, gz(input));
        }

        @Test
        @Timeout(90)
        @Points(3)
        @Hint("Stream each file through fixed buffers: never readAllBytes, never a queue of chunks that can grow "
                + "faster than the workers drain it.")
        @DisplayName("2 × 40 MiB compress in a child JVM with -Xmx24m: memory does not grow with file size, no"
                + " Deflater left")
        void boundedMemory() throws Exception {
            Path shm = Path.of("/dev/shm");
            Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : tmp;
            Path dir = Files.createTempDirectory(base, "ex08-memory-");
            try {
                Path in = Files.createDirectory(dir.resolve("in"));
                Corpus.write(in.resolve("big-0.bin"), 40L * MIB, 1);
                Corpus.write(in.resolve("big-1.bin"), 40L * MIB, 2);
                try (ChildJvm jvm = ChildJvm.builder(MemoryMain.class).jvmArgs("-Xmx24m", "-XX:TieredStopAtLevel=1")
                        .args(in.toString(), "2", String.valueOf(256 * KIB), "1").start()) {
                    int exit = jvm.awaitExit(Duration.ofSeconds(80));
                    rethrowIfChildHitStub(jvm);
                    assertThat(exit).as("exit of the child JVM (-Xmx24m):\n%s", jvm.outputForMessage()).isZero();
                    assertThat(jvm.stdout()).as(jvm.outputForMessage()).contains("RESULT ok=2 failed=0")
                            .contains("live=0");
                }
            } finally {
                deleteTree(dir);
            }
        }

        @Test
        @Timeout(60)
        @Points(3)
        @Hint("threads 0 means Runtime.getRuntime().availableProcessors(), asked when the compressor is created: it "
                + "follows cgroup CPU limits and -XX:ActiveProcessorCount.")
        @DisplayName("threads 0 uses the processors available to the JVM: 3 files at once under"
                + " -XX:ActiveProcessorCount=3")
        void defaultThreads() throws Exception {
            List<Path> inputs = corpus(20 * KIB, 20 * KIB, 20 * KIB, 20 * KIB, 20 * KIB, 20 * KIB, 20 * KIB);
            List<String> args = new ArrayList<>(List.of("3"));
            inputs.forEach(p -> args.add(p.toString()));
            try (ChildJvm jvm = ChildJvm.builder(ThreadsMain.class).jvmArgs("-XX:ActiveProcessorCount=3",
                    "-XX:TieredStopAtLevel=1").args(args.toArray(String[]::new)).start()) {
                int exit = jvm.awaitExit(Duration.ofSeconds(60));
                rethrowIfChildHitStub(jvm);
                assertThat(exit).as(jvm.outputForMessage()).isZero();
                Matcher m = Pattern.compile("MAX_OPEN (\\d+) OK (\\d+)").matcher(jvm.stdout());
                assertThat(m.find()).as(jvm.outputForMessage()).isTrue();
                assertThat(Integer.parseInt(m.group(1))).as("files compressed at once with threads 0 on a JVM with 3 "
                        + "processors").isEqualTo(3);
                assertThat(Integer.parseInt(m.group(2))).isEqualTo(7);
            }
        }

        @Test
        @Points(5)
        @Hint("When the caller is interrupted: shutdownNow() the pool, wait for the workers to finish, and throw "
                + "InterruptedException. Each worker checks its interrupt status between buffers, treats "
                + "InterruptedIOException and ClosedByInterruptException as cancellation (no retry) and deletes its "
                + "temp file.")
        @DisplayName("interrupting the caller stops the workers within 10 s: InterruptedException, no .tmp, no partial"
                + " .gz, no worker thread left")
        void cancellation() throws Exception {
            List<Path> inputs = corpus(300 * KIB, 300 * KIB, 300 * KIB, 300 * KIB, 300 * KIB);
            ScriptedFileOps ops = new ScriptedFileOps();
            ops.holdAt = 100 * KIB; // every input stops there until released: never, in this test
            CountingDeflaters deflaters = new CountingDeflaters();
            LeakCheck.Snapshot before = leaks.snapshot();
            AtomicReference<Object> outcome = new AtomicReference<>();
            AtomicReference<String> whenThrown = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().name("test-caller").start(() -> {
                try {
                    outcome.set(compress(settings().threads(3).fileOps(ops).deflaters(deflaters).build(), inputs));
                } catch (Throwable t) {
                    // What is left at the very moment compress() throws: the held reads notice their interrupt only
                    // after this (or after ScriptedFileOps.LINGER), so a compressor that throws before its workers
                    // have stopped and cleaned up is seen here.
                    whenThrown.set(leftNow(ops));
                    ops.stopLingering.countDown();
                    outcome.set(t);
                }
            });
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> ops.heldNow.get() == 3 || outcome.get() != null);
                rethrowIfDone(outcome);
                assertThat(partials(tmp)).as("temp files while 3 files are held mid-way").hasSize(3);
                caller.interrupt();
                caller.join(TimeUnit.SECONDS.toMillis(10));
                assertThat(caller.isAlive()).as("compress() still running 10 s after its caller was interrupted")
                        .isFalse();
            } finally {
                ops.release.countDown();
                caller.join(TimeUnit.SECONDS.toMillis(20));
            }
            rethrowIfStub(outcome.get() instanceof Throwable t ? t : null);
            assertThat(outcome.get()).as("what compress() ended with").isInstanceOf(InterruptedException.class);
            assertThat(whenThrown.get()).as("what was still there when compress() threw InterruptedException (it may "
                    + "throw only once every worker has stopped and deleted its temp file)")
                    .isEqualTo(leftNothing());
            assertThat(names(tmp)).as("files after the cancellation").allMatch(n -> n.endsWith(".log"));
            assertThat(ops.openNow.get()).as("inputs still open").isZero();
            assertThat(deflaters.live.get()).as("Deflaters not ended after the cancellation").isZero();
            leaks.assertNoLeaksSince(before);
        }
    }

    /** The temp files, open inputs and workers inside a held read right now, in words. */
    String leftNow(ScriptedFileOps ops) {
        List<String> temps;
        try {
            temps = partials(tmp);
        } catch (IOException e) {
            temps = List.of("(cannot list: " + e + ")");
        }
        return "temp files " + temps + ", inputs open " + ops.openNow.get() + ", workers still in a read "
                + ops.heldNow.get();
    }

    static String leftNothing() {
        return "temp files [], inputs open 0, workers still in a read 0";
    }

    // ------------------------------------------------------------------------------------------------
    static ChildJvm cli(String... args) throws IOException {
        return cliIn(null, args);
    }

    /** The CLI in a child JVM whose working directory is {@code dir} ({@code null}: this one's). */
    static ChildJvm cliIn(@Nullable Path dir, String... args) throws IOException {
        // jdk.console=java.base: System.console() is null when stdout is not a terminal on JDK 22-24 too (README)
        return ChildJvm.builder(CompressMain.class).jvmArgs("-XX:TieredStopAtLevel=1", "-Djdk.console=java.base")
                .workingDirectory(dir).args(args).start();
    }

    static int exit(ChildJvm jvm) throws InterruptedException {
        int exit = jvm.awaitExit(Duration.ofSeconds(60));
        rethrowIfChildHitStub(jvm);
        return exit;
    }

    @Nested
    @Tag("task:5")
    @DisplayName("Task 5: the command line")
    class CommandLine {

        static final Pattern PROGRESS = Pattern.compile("^progress (\\d+)/(\\d+) bytes.*");

        @Test
        @Timeout(60)
        @Points(3)
        @Hint("Not a terminal (System.console() == null): print `progress <done>/<total> bytes ...` at most once a "
                + "second and once more at the end, then `ok <file> ...` per file, then the summary; exit 0.")
        @DisplayName("exit 0 when every file is compressed: one `ok <file>` line each, in input order, and progress"
                + " lines that end at <total>/<total> bytes")
        void allOk() throws Exception {
            List<Path> inputs = corpus(3 * MIB, 100 * KIB, 0);
            try (ChildJvm jvm = cli("--threads", "2", inputs.get(0).toString(), inputs.get(1).toString(),
                    inputs.get(2).toString())) {
                assertThat(exit(jvm)).as("exit code\n%s", jvm.outputForMessage()).isZero();
                List<String> lines = jvm.stdoutLines();
                long total = 3 * MIB + 100 * KIB;
                List<Long> done = new ArrayList<>();
                for (String line : lines) {
                    Matcher m = PROGRESS.matcher(line);
                    if (m.matches()) {
                        done.add(Long.parseLong(m.group(1)));
                        assertThat(Long.parseLong(m.group(2))).as("total in %s", line).isEqualTo(total);
                    }
                }
                assertThat(done).as("progress lines on stdout:\n%s", jvm.outputForMessage()).isNotEmpty().isSorted();
                assertThat(done.getLast()).as("the last progress line").isEqualTo(total);
                List<String> results = lines.stream().filter(l -> l.startsWith("ok ")).toList();
                assertThat(results).as("the `ok` lines on stdout, which must follow the order of the inputs (the "
                        + "0-byte file, given last, finishes first)").hasSize(3);
                for (int i = 0; i < inputs.size(); i++) {
                    assertThat(results.get(i)).as("`ok` line %d of %s", i + 1, results).startsWith("ok "
                            + inputs.get(i));
                    assertRoundTrips(inputs.get(i), gz(inputs.get(i)));
                }
            }
        }

        @Test
        @Timeout(60)
        @Points(3)
        @Hint("Exit 1 when any file FAILED; print `failed <file>: <error>` for it, and still compress the others.")
        @DisplayName("exit 1 when a file fails: a `failed <file>` line for it, and the other files are compressed")
        void someFailed() throws Exception {
            List<Path> inputs = corpus(50 * KIB, 50 * KIB);
            Path missing = tmp.resolve("missing.log");
            try (ChildJvm jvm = cli(inputs.get(0).toString(), missing.toString(), inputs.get(1).toString())) {
                assertThat(exit(jvm)).as("exit code\n%s", jvm.outputForMessage()).isEqualTo(1);
                assertThat(jvm.stdoutLines()).as("stdout").anyMatch(l -> l.startsWith("failed " + missing));
                assertRoundTrips(inputs.get(0), gz(inputs.get(0)));
                assertRoundTrips(inputs.get(1), gz(inputs.get(1)));
            }
        }

        @Test
        @Timeout(90)
        @Points(2)
        @Hint("Usage errors (no file, an unknown option, an option without its value or with a bad one) print a "
                + "message containing `usage` on stderr and return 2 before compressing anything.")
        @DisplayName("exit 2 with `usage` on stderr: no files, an unknown option, --threads without a number,"
                + " --level 12")
        void usage() throws Exception {
            Path input = corpus(10 * KIB).getFirst();
            List<List<String>> cases = List.of(List.of(), List.of("--fast", input.toString()),
                    List.of("--threads", "many", input.toString()), List.of("--level", "12", input.toString()),
                    List.of(input.toString(), "--threads"));
            for (List<String> args : cases) {
                try (ChildJvm jvm = cli(args.toArray(String[]::new))) {
                    assertThat(exit(jvm)).as("exit code for %s\n%s", args, jvm.outputForMessage()).isEqualTo(2);
                    assertThat(jvm.stderr().toLowerCase(java.util.Locale.ROOT)).as("stderr for %s", args)
                            .contains("usage");
                }
            }
            assertThat(names(tmp)).as("files after usage errors").containsExactly("file-0.log");
        }

        @Test
        @Timeout(60)
        @Points(2)
        @Hint("--output-dir DIR, --level N, --attempts N and --overwrite go into Settings.")
        @DisplayName("--output-dir, --level and --overwrite are honoured")
        void options() throws Exception {
            Path input = corpus(200 * KIB).getFirst();
            Path out = Files.createDirectory(tmp.resolve("out"));
            Files.writeString(out.resolve("file-0.log.gz"), "old");
            try (ChildJvm jvm = cli("--output-dir", out.toString(), "--level", "0", "--overwrite",
                    input.toString())) {
                assertThat(exit(jvm)).as("exit code\n%s", jvm.outputForMessage()).isZero();
            }
            assertRoundTrips(input, out.resolve("file-0.log.gz"));
            assertThat(Files.size(out.resolve("file-0.log.gz"))).as("size at --level 0 (stored)")
                    .isGreaterThan(Files.size(input));
        }

        @Test
        @Timeout(60)
        @Points(2)
        @Hint("--attempts takes a number of at least 1 (0 is a usage error, exit 2); after `--` every argument is a "
                + "file, even one that starts with --.")
        @DisplayName("--attempts 0 is a usage error; `--` ends the options: `--attempts 2 -- --odd.log` compresses the"
                + " file named --odd.log")
        void attemptsAndDoubleDash() throws Exception {
            Path odd = Corpus.write(tmp.resolve("--odd.log"), 30 * KIB, 5);
            try (ChildJvm jvm = cliIn(tmp, "--attempts", "0", odd.toString())) {
                assertThat(exit(jvm)).as("exit code for --attempts 0\n%s", jvm.outputForMessage()).isEqualTo(2);
                assertThat(jvm.stderr().toLowerCase(java.util.Locale.ROOT)).as("stderr for --attempts 0")
                        .contains("usage");
            }
            assertThat(names(tmp)).as("files after a usage error").containsExactly("--odd.log");
            try (ChildJvm jvm = cliIn(tmp, "--attempts", "2", "--", "--odd.log")) {
                assertThat(exit(jvm)).as("exit code for --attempts 2 -- --odd.log (run in %s)\n%s", tmp,
                        jvm.outputForMessage()).isZero();
                assertThat(jvm.stdoutLines()).as("stdout").anyMatch(l -> l.startsWith("ok --odd.log"));
            }
            assertRoundTrips(odd, gz(odd));
        }

        @Test
        @Timeout(60)
        @Points(2)
        @Hint("Exit 1 only when a file FAILED: a SKIPPED file (its .gz exists, or it is a .gz) is not a failure, so "
                + "a rerun over half-compressed logs exits 0. Print `skipped <file> ...` for it.")
        @DisplayName("exit 0 when a file is skipped and none failed: a `skipped <file>` line for the input whose .gz"
                + " exists, and that .gz unchanged")
        void skippedExitsZero() throws Exception {
            List<Path> inputs = corpus(40 * KIB, 40 * KIB);
            Files.writeString(gz(inputs.get(0)), "from an earlier run");
            try (ChildJvm jvm = cli(inputs.get(0).toString(), inputs.get(1).toString())) {
                assertThat(exit(jvm)).as("exit code with one file skipped and one compressed\n%s",
                        jvm.outputForMessage()).isZero();
                List<String> lines = jvm.stdoutLines();
                assertThat(lines).as("stdout").anyMatch(l -> l.startsWith("skipped " + inputs.get(0)))
                        .anyMatch(l -> l.startsWith("ok " + inputs.get(1)));
            }
            assertThat(Files.readString(gz(inputs.get(0)))).as("the existing .gz").isEqualTo("from an earlier run");
            assertRoundTrips(inputs.get(1), gz(inputs.get(1)));
        }
    }

    // ------------------------------------------------------------------------------------------------
    /**
     * Checks that {@code gz} is exactly one gzip member (one header, one deflate stream, one trailer, nothing after it)
     * whose CRC-32 and length match its data; returns its decompressed size.
     */
    static long assertOneMember(Path gz) throws IOException {
        byte[] bytes = Files.readAllBytes(gz);
        assertThat(bytes.length).as("size of %s", gz.getFileName()).isGreaterThanOrEqualTo(18);
        assertThat(new byte[] {bytes[0], bytes[1], bytes[2]}).as("magic and method of %s", gz.getFileName())
                .containsExactly(0x1f, 0x8b, 8);
        int flags = bytes[3] & 0xff;
        int at = 10;
        if ((flags & 4) != 0) { // FEXTRA
            at += 2 + ((bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8);
        }
        for (int flag : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
            if ((flags & flag) != 0) {
                while (bytes[at] != 0) {
                    at++;
                }
                at++;
            }
        }
        if ((flags & 2) != 0) { // FHCRC
            at += 2;
        }
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        long size = 0;
        try {
            inflater.setInput(bytes, at, bytes.length - at);
            byte[] out = new byte[64 * KIB];
            while (!inflater.finished()) {
                int n = inflater.inflate(out);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    fail("%s: the deflate stream ends before its final block (%d bytes decompressed)",
                            gz.getFileName(), size);
                }
                crc.update(out, 0, n);
                size += n;
            }
            assertThat(inflater.getRemaining()).as("bytes after the deflate stream of %s: the 8-byte trailer, and no "
                    + "second member", gz.getFileName()).isEqualTo(8);
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(gz.getFileName() + " is not valid deflate data after " + size + " bytes: " + e, e);
        } finally {
            inflater.end();
        }
        java.nio.ByteBuffer trailer = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(Integer.toUnsignedLong(trailer.getInt())).as("the CRC-32 in the trailer of %s", gz.getFileName())
                .isEqualTo(crc.getValue());
        assertThat(trailer.getInt()).as("the length in the trailer of %s", gz.getFileName()).isEqualTo((int) size);
        return size;
    }

    /** The size of {@code input} deflated as one stream by one Deflater at {@code level}, plus gzip's 18 bytes. */
    static long singleStreamGzipSize(Path input, int level) throws IOException {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(level, true);
        try {
            deflater.setInput(Files.readAllBytes(input));
            deflater.finish();
            byte[] out = new byte[64 * KIB];
            long size = 18;
            while (!deflater.finished()) {
                size += deflater.deflate(out);
            }
            return size;
        } finally {
            deflater.end();
        }
    }

    @Nested
    @Tag("task:6")
    @DisplayName("Task 6 (stretch): pigz-style blocks inside one file")
    class Blocks {

        static final int BLOCK = Settings.DEFAULT_BLOCK_SIZE;
        /** How long an interrupted deflate() goes on in the cancellation test (a correct compressor waits it out). */
        static final Duration LINGER_DEFLATE = Duration.ofMillis(500);

        /**
         * Waits until {@code done} is counted down or {@code deadline} (nanoTime) has passed, whatever interrupts come
         * meanwhile (cancel(true) and shutdownNow() both interrupt the same worker).
         */
        static void lingerUntil(CountDownLatch done, long deadline) {
            for (long left; done.getCount() > 0 && (left = deadline - System.nanoTime()) > 0; ) {
                try {
                    done.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException again) {
                    // linger on: a slow deflate() does not notice interrupts either
                }
            }
        }

        @Test
        @Timeout(60)
        @Points(3)
        @Hint("Read blocks of blockSize; deflate each with its own Deflater: setDictionary(the 32 KiB before it), then "
                + "SYNC_FLUSH until deflate() leaves room in your buffer; only the last block finish()es. Write the "
                + "header once, the blocks in order, and one trailer with the CRC-32 of the whole input.")
        @DisplayName("compressInBlocks writes one gzip member that round-trips and gzip -t accepts (0 B, 1 B, 128 KiB"
                + " − 1, 128 KiB, 128 KiB + 1, 3 MiB, level 0)")
        void roundTrip() throws Exception {
            List<Path> inputs = corpus(0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * MIB + 17);
            ParallelCompressor compressor = new ParallelCompressor(settings().threads(3).build());
            List<Path> outputs = new ArrayList<>();
            for (Path input : inputs) {
                FileResult result = compressor.compressInBlocks(input);
                assertThat(result.status()).as("%s, error %s", input.getFileName(), result.error())
                        .isEqualTo(Status.OK);
                assertThat(result.output()).isEqualTo(gz(input));
                assertThat(result.inputBytes()).as("inputBytes of %s", input.getFileName()).isEqualTo(Files.size(input));
                assertThat(result.outputBytes()).as("outputBytes of %s", input.getFileName())
                        .isEqualTo(Files.size(gz(input)));
                assertRoundTrips(input, gz(input));
                assertThat(assertOneMember(gz(input))).isEqualTo(Files.size(input));
                outputs.add(gz(input));
            }
            Path stored = Files.createDirectory(tmp.resolve("level-0"));
            Path big = inputs.getLast();
            new ParallelCompressor(settings().level(0).outputDir(stored).build()).compressInBlocks(big);
            Path storedGz = stored.resolve(big.getFileName() + ".gz");
            assertRoundTrips(big, storedGz);
            assertOneMember(storedGz);
            outputs.add(storedGz);
            assertGzipAccepts(outputs);
            assertThat(partials(tmp)).as("temp files left").isEmpty();
        }

        @Test
        @Timeout(60)
        @Points(3)
        @Hint("Submit the blocks to a pool of `threads` workers, several ahead of the writer, so that `threads` "
                + "Deflaters are inside deflate() at once; the calling thread reads, and writes the results in order.")
        @DisplayName("the blocks of one file are deflated on `threads` worker threads at once (3 threads, 2 MiB in"
                + " 128 KiB blocks)")
        void parallel() throws Exception {
            Path input = corpus(2 * MIB + 3).getFirst();
            RendezvousDeflaters deflaters = new RendezvousDeflaters(3);
            FileResult result = new ParallelCompressor(settings().threads(3).deflaters(deflaters).build())
                    .compressInBlocks(input);
            assertThat(result.status()).as("error %s", result.error()).isEqualTo(Status.OK);
            assertThat(deflaters.peakInside.get()).as("threads inside Deflater.deflate() at once with threads(3); "
                    + "threads seen: %s", deflaters.threads).isEqualTo(3);
            assertThat(deflaters.live.get()).as("Deflaters not ended").isZero();
            assertRoundTrips(input, gz(input));
        }

        @Test
        @Timeout(60)
        @Points(2)
        @Hint("Without a dictionary every block starts from nothing and pays again for what the previous block "
                + "already said. Deflater.setDictionary(previous block, its length - 32 KiB, 32 KiB) before setInput.")
        @DisplayName("each block is primed with the 32 KiB before it: data that repeats across block boundaries "
                + "compresses within 5% of one deflate stream")
        void dictionary() throws Exception {
            byte[] pattern = new byte[20 * KIB]; // random, so only a match 20 KiB back compresses it
            new SplittableRandom(17).nextBytes(pattern);
            Path input = tmp.resolve("repetitive.bin");
            try (java.io.OutputStream out = Files.newOutputStream(input)) {
                for (int i = 0; i < 100; i++) {
                    out.write(pattern);
                }
            }
            FileResult result = new ParallelCompressor(settings().threads(2).build()).compressInBlocks(input);
            assertThat(result.status()).as("error %s", result.error()).isEqualTo(Status.OK);
            assertRoundTrips(input, gz(input));
            long single = singleStreamGzipSize(input, Settings.DEFAULT_LEVEL);
            assertThat(Files.size(gz(input))).as("size of 2,000 KiB (a 20 KiB random pattern, 100 times) in 128 KiB "
                    + "blocks; one deflate stream makes %d bytes", single).isLessThanOrEqualTo(single * 105 / 100);
        }

        @Test
        @Timeout(90)
        @Points(2)
        @Hint("Bound the blocks in flight (read, not yet written): e.g. wait for the oldest block and write it before "
                + "reading another once 2 × threads are in flight. A pool's queue alone is unbounded.")
        @DisplayName("48 MiB in blocks through a child JVM with -Xmx24m: a bounded window of blocks in flight, every"
                + " Deflater ended")
        void boundedMemory() throws Exception {
            Path shm = Path.of("/dev/shm");
            Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : tmp;
            Path dir = Files.createTempDirectory(base, "ex08-blocks-");
            try {
                Path in = Files.createDirectory(dir.resolve("in"));
                Corpus.write(in.resolve("big.bin"), 48L * MIB, 3);
                try (ChildJvm jvm = ChildJvm.builder(MemoryMain.class).jvmArgs("-Xmx24m", "-XX:TieredStopAtLevel=1")
                        .args(in.toString(), "2", String.valueOf(64 * KIB), "1", "blocks").start()) {
                    int exit = jvm.awaitExit(Duration.ofSeconds(80));
                    rethrowIfChildHitStub(jvm);
                    assertThat(exit).as("exit of the child JVM (-Xmx24m):\n%s", jvm.outputForMessage()).isZero();
                    assertThat(jvm.stdout()).as(jvm.outputForMessage()).contains("RESULT ok=1 failed=0")
                            .contains("live=0");
                    Matcher peak = Pattern.compile("peak=(\\d+)").matcher(jvm.stdout());
                    assertThat(peak.find()).isTrue();
                    assertThat(Integer.parseInt(peak.group(1))).as("Deflaters alive at once with 2 threads")
                            .isLessThanOrEqualTo(2);
                }
            } finally {
                deleteTree(dir);
            }
        }

        @Test
        @Timeout(60)
        @Points(2)
        @Hint("The same retry loop as compress(): a new input stream, temp file, CRC and Deflaters per attempt. On "
                + "interrupt: stop reading, cancel the blocks in flight, shut the pool down and wait for it, delete the "
                + "temp file, throw InterruptedException.")
        @DisplayName("a fault mid-file is retried from a clean temp file; interrupting the caller ends it with"
                + " InterruptedException, no .tmp, no Deflater alive, no worker left")
        void retryAndCancel() throws Exception {
            List<Path> inputs = corpus(900 * KIB, 900 * KIB);
            ScriptedFileOps faults = new ScriptedFileOps().fail("file-0.log", new Fault(Kind.READ, 500 * KIB));
            CountingDeflaters counted = new CountingDeflaters();
            Recorder progress = new Recorder();
            FileResult retried = new ParallelCompressor(settings().threads(2).fileOps(faults).deflaters(counted)
                    .listener(progress).build()).compressInBlocks(inputs.get(0));
            assertThat(retried.status()).as("error %s", retried.error()).isEqualTo(Status.OK);
            assertThat(retried.attempts()).as("attempts after a read fault at 500 KiB").isEqualTo(2);
            assertRoundTrips(inputs.get(0), gz(inputs.get(0)));
            assertThat(counted.live.get()).as("Deflaters not ended after the retry").isZero();
            List<String> events = faults.events.stream().filter(e -> !e.startsWith("open")).toList();
            assertThat(events).as("file operations of the two attempts, in order").containsSubsequence(
                    "create file-0.log.gz.tmp", "sync file-0.log.gz.tmp", "move file-0.log.gz.tmp file-0.log.gz");
            List<Progress> calls = progress.snapshot();
            assertMonotonicToTotal(calls, 900 * KIB, 1);
            assertThat(calls.stream().mapToLong(Progress::bytesDone).distinct().count()).as("distinct bytesDone "
                    + "values while 900 KiB are read in 128 KiB blocks (progress counts bytes as they are read, "
                    + "not once the file is done)").isGreaterThanOrEqualTo(5);

            ScriptedFileOps ops = new ScriptedFileOps();
            ops.holdAt = 400 * KIB;
            // The first block's deflate() is slow to stop: once interrupted it goes on for up to LINGER_DEFLATE, so a
            // compressInBlocks that throws before its workers have ended is seen at the moment it throws.
            CountDownLatch deflateHeld = new CountDownLatch(1);
            CountDownLatch callerThrew = new CountDownLatch(1);
            AtomicInteger insideDeflate = new AtomicInteger();
            CountingDeflaters deflaters = new CountingDeflaters() {
                @Override
                void entering() {
                    insideDeflate.incrementAndGet();
                    if (deflateHeld.getCount() > 0) {
                        deflateHeld.countDown();
                        try {
                            new CountDownLatch(1).await(); // until interrupted
                        } catch (InterruptedException e) {
                            lingerUntil(callerThrew, System.nanoTime() + LINGER_DEFLATE.toNanos());
                            Thread.currentThread().interrupt();
                        }
                    }
                }

                @Override
                void leaving() {
                    insideDeflate.decrementAndGet();
                }
            };
            LeakCheck.Snapshot before = leaks.snapshot();
            AtomicReference<Object> outcome = new AtomicReference<>();
            AtomicReference<String> whenThrown = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().name("test-caller").start(() -> {
                try {
                    outcome.set(new ParallelCompressor(settings().threads(2).fileOps(ops).deflaters(deflaters)
                            .build()).compressInBlocks(inputs.get(1)));
                } catch (Throwable t) {
                    whenThrown.set("Deflaters alive " + deflaters.live.get() + ", workers inside deflate() "
                            + insideDeflate.get());
                    callerThrew.countDown();
                    outcome.set(t);
                }
            });
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> ops.heldNow.get() == 1 && deflateHeld.getCount() == 0
                        || outcome.get() != null);
                rethrowIfDone(outcome);
                caller.interrupt();
                ops.stopLingering.countDown(); // the held read is the caller's own: no need for it to linger
                caller.join(TimeUnit.SECONDS.toMillis(10));
                assertThat(caller.isAlive()).as("compressInBlocks() still running 10 s after its caller was "
                        + "interrupted").isFalse();
            } finally {
                ops.release.countDown();
                caller.join(TimeUnit.SECONDS.toMillis(20));
            }
            rethrowIfStub(outcome.get() instanceof Throwable t ? t : null);
            assertThat(outcome.get()).as("what compressInBlocks() ended with").isInstanceOf(InterruptedException.class);
            assertThat(whenThrown.get()).as("what was still running when compressInBlocks() threw InterruptedException "
                    + "(it may throw only once every worker has stopped)").isEqualTo(
                            "Deflaters alive 0, workers inside deflate() 0");
            assertThat(partials(tmp)).as("temp files after the cancellation").isEmpty();
            assertThat(gz(inputs.get(1))).as("the output of the cancelled file").doesNotExist();
            assertThat(deflaters.live.get()).as("Deflaters not ended after the cancellation").isZero();
            leaks.assertNoLeaksSince(before);
        }
    }
}
