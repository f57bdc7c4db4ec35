package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The student-release tamper check. {@code scripts/release.sh} writes {@value #FILE} at the root of a released copy:
 * the SHA-256 of every file that decides an exercise's grade other than the learner's own code, one
 * {@code sha256sum} line each (so {@code sha256sum -c} reads it too). In a copy that has one, {@code grade.sh}
 * compares each exercise's files with it before the build: an exercise whose suite differs is not built and is
 * reported as {@code status: error}, 0 points, naming the file; the other exercises are graded as usual.
 *
 * <p>What counts as the grading suite: per exercise its {@code pom.xml}, {@code src/test}, {@code src/given} and
 * {@code src/jmh} (compiled with the tests, so a test could hide there); for every exercise the root
 * {@code pom.xml} and {@code .mvn/} (surefire and compiler configuration), the kit's {@code pom.xml} and
 * {@code src/main} (listener, report, fixtures, JUnit configuration), and {@code scripts/grade.sh} and
 * {@code scripts/lib.sh}. A file added under one of these folders counts as a change too.
 *
 * <p>What this does not do: the manifest lives in the copy, next to the files it protects, and is checked by code in
 * the copy, so a learner who edits a test can also rewrite its line, or the check. It catches accidental edits and
 * casual tampering; graded homework is graded against the instructor's pristine suite (a manifest kept from the
 * release, {@code gradebook.sh --manifest}, or the per-exercise container image).
 */
public final class SuiteManifest {
    /** The manifest's file name, at the root of a released copy. */
    public static final String FILE = "grading-manifest.sha256";
    static final String MODIFIED = "the grading suite was modified";

    /** Files and folders, relative to the root, that belong to every exercise's suite. */
    private static final List<String> SHARED = List.of("pom.xml", ".mvn", "common/test-support/pom.xml",
            "common/test-support/src/main", "scripts/grade.sh", "scripts/lib.sh");
    /** Files and folders, relative to {@code exercises/SLUG}, that make up that exercise's suite. */
    private static final List<String> PER_EXERCISE = List.of("pom.xml", "src/test", "src/given", "src/jmh");

    private SuiteManifest() {
    }

    /** The suite files of {@code slugs} under {@code root} and their SHA-256, by path relative to the root. */
    static SortedMap<String, String> hash(Path root, List<String> slugs) throws IOException {
        SortedMap<String, String> hashes = new TreeMap<>();
        for (String path : suitePaths(slugs)) {
            Path at = root.resolve(path);
            if (!Files.exists(at)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(at)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    hashes.put(root.relativize(f).toString().replace('\\', '/'), sha256(f));
                }
            }
        }
        return hashes;
    }

    private static List<String> suitePaths(List<String> slugs) {
        List<String> paths = new ArrayList<>(SHARED);
        for (String slug : slugs) {
            PER_EXERCISE.forEach(p -> paths.add("exercises/" + slug + "/" + p));
        }
        return paths;
    }

    /** Whether {@code path} (relative to the root) is part of {@code slug}'s suite. */
    private static boolean belongsTo(String path, String slug) {
        return suitePaths(List.of(slug)).stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }

    /**
     * The first suite file of {@code slug} that differs from {@code manifest}, with what happened to it
     * ("exercises/…/X.java", "… (deleted)", "… (added)"), or null when every one matches.
     */
    static @Nullable String firstDifference(Path root, String slug, Map<String, String> manifest) throws IOException {
        Map<String, String> expected = new TreeMap<>();
        manifest.forEach((path, hash) -> {
            if (belongsTo(path, slug)) {
                expected.put(path, hash);
            }
        });
        if (expected.keySet().stream().noneMatch(p -> p.startsWith("exercises/" + slug + "/"))) {
            return FILE + " (it lists no file of " + slug + ")";
        }
        SortedMap<String, String> actual = hash(root, List.of(slug));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String now = actual.get(e.getKey());
            if (now == null) {
                return e.getKey() + " (deleted)";
            }
            if (!now.equals(e.getValue())) {
                return e.getKey();
            }
        }
        for (String path : actual.keySet()) {
            if (!expected.containsKey(path)) {
                return path + " (added)";
            }
        }
        return null;
    }

    /** Reads a manifest: {@code HEX  PATH} lines, as {@code sha256sum} writes them. */
    static Map<String, String> read(Path manifest) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            int gap = line.indexOf("  ");
            if (gap == 64) {
                entries.put(line.substring(gap + 2), line.substring(0, gap));
            } else if (!line.isBlank()) {
                throw new IOException(manifest + " is not a SHA-256 manifest: '" + line + "'");
            }
        }
        return entries;
    }

    /**
     * Why {@code slug}'s suite under {@code root} cannot be trusted ("the grading suite was modified: FILE"), or null
     * when it matches the root's manifest or the root has none (the original repository).
     */
    public static @Nullable String modified(Path root, String slug) throws IOException {
        Path manifest = root.resolve(FILE);
        if (!Files.isRegularFile(manifest)) {
            return null;
        }
        String file = firstDifference(root, slug, read(manifest));
        return file == null ? null : MODIFIED + ": " + file;
    }

    /** The exercise as reported when its suite was modified: not graded, 0 points. */
    static Results.Exercise notGraded(String slug, String why, @Nullable Integer task) {
        return new Results.Exercise(Results.EXERCISE_FORMAT, slug, Results.ERROR, why + ". 0 points for this exercise:"
                + " the tests were not run. Restore the file from the copy you were given (only src/main/java is"
                + " yours to edit) and grade again.", 0, task == null ? GradeReport.EXERCISE_POINTS : 0, List.of());
    }

    /** {@code suite-manifest --root DIR [--out FILE] SLUG...}: writes the manifest of the named exercises. */
    static int write(List<String> args, PrintStream out) throws IOException {
        Path root = Path.of(".");
        @Nullable Path file = null;
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--root" -> root = Path.of(args.get(++i));
                case "--out" -> file = Path.of(args.get(++i));
                default -> slugs.add(args.get(i));
            }
        }
        StringBuilder text = new StringBuilder();
        SortedMap<String, String> hashes = hash(root, slugs);
        hashes.forEach((path, hash) -> text.append(hash).append("  ").append(path).append('\n'));
        Path target = file == null ? root.resolve(FILE) : file;
        Files.writeString(target, text, StandardCharsets.UTF_8);
        out.println("grading-suite manifest: " + hashes.size() + " files (" + target + ")");
        return 0;
    }

    /**
     * {@code check-suite --root DIR [--manifest FILE] SLUG...}: prints {@code SLUG<TAB>why} for each exercise whose
     * suite differs from the manifest (the root's own by default); nothing when all match or there is no manifest.
     */
    static int check(List<String> args, PrintStream out) throws IOException {
        Path root = Path.of(".");
        @Nullable Path manifest = null;
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--root" -> root = Path.of(args.get(++i));
                case "--manifest" -> manifest = Path.of(args.get(++i));
                default -> slugs.add(args.get(i));
            }
        }
        Path file = manifest == null ? root.resolve(FILE) : manifest;
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        Map<String, String> entries = read(file);
        for (String slug : slugs) {
            String differs = firstDifference(root, slug, entries);
            if (differs != null) {
                out.println(slug + "\t" + MODIFIED + ": " + differs);
            }
        }
        return 0;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
