package dev.opsworkbook.notes.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Checks and rewrites the code blocks of Markdown notes from regions of compiled sources.
 *
 * <p>A source marks a region with {@code // @start region=name} ... {@code // @end region=name} (the
 * JEP 413 / Caffeine syntax; any comment style works, so XML or a Dockerfile can carry regions too).
 * A Markdown block is tied to a region by a marker line right above its opening fence:
 *
 * <pre>
 * &lt;!-- @code src/main/java/dev/opsworkbook/notes/reliability/TokenBucket.java#acquire --&gt;
 * ```java
 * ...the region, dedented...
 * ```
 * </pre>
 *
 * <p>Marker paths are relative to the notes' base directory (the {@code interview-notes} module).
 * Problems found: a block that differs from its region, a marker naming a missing file or region, a
 * marker not followed by a fence, and a {@code ```java} block without a marker (no hand-written Java).
 */
public final class Snippets {

    /** {@code <!-- @code path#region -->}. */
    static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*@code\\s+(\\S+?)#([\\w.-]+)\\s*-->\\s*$");
    private static final Pattern START = Pattern.compile("@start\\s+region=\"?([\\w.-]+)\"?");
    private static final Pattern END = Pattern.compile("@end(?:\\s+region=\"?([\\w.-]+)\"?)?");
    private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,})\\s*([\\w+-]*).*$");

    private final Path baseDir;

    /** Notes and sources under {@code baseDir} (the {@code interview-notes} module directory). */
    public Snippets(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    /** One thing wrong with one Markdown file. */
    public record Problem(Path markdown, int line, String marker, String message, String hint) {
        @Override
        public String toString() {
            return markdown + ":" + line + (marker.isEmpty() ? "" : " " + marker) + ": " + message
                    + (hint.isEmpty() ? "" : "\n" + hint.indent(4).stripTrailing());
        }
    }

    /** What {@link #process} found and, when asked to, wrote. */
    public record Result(List<Problem> problems, List<Path> rewritten, int blocks) {
    }

    /** Every Markdown file under the base directory (not under {@code target/}), sorted. */
    public List<Path> markdownFiles() {
        try (Stream<Path> files = Files.walk(baseDir)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !baseDir.relativize(p).startsWith("target"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks every Markdown file; with {@code write}, rewrites drifted blocks from their regions. */
    public Result process(boolean write) {
        List<Problem> problems = new ArrayList<>();
        List<Path> rewritten = new ArrayList<>();
        int blocks = 0;
        for (Path md : markdownFiles()) {
            FileResult r = processFile(md, write);
            problems.addAll(r.problems);
            blocks += r.blocks;
            if (r.newText.isPresent()) {
                try {
                    Files.writeString(md, r.newText.get(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rewritten.add(md);
            }
        }
        return new Result(List.copyOf(problems), List.copyOf(rewritten), blocks);
    }

    private record FileResult(List<Problem> problems, Optional<String> newText, int blocks) {
    }

    private FileResult processFile(Path md, boolean write) {
        List<String> lines = readLines(md);
        Path shown = baseDir.relativize(md);
        List<Problem> problems = new ArrayList<>();
        List<String> out = new ArrayList<>(lines.size());
        boolean changed = false;
        int blocks = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher marker = MARKER.matcher(line);
            Matcher fence = FENCE.matcher(line);
            if (marker.matches()) {
                out.add(line);
                String label = "@code " + marker.group(1) + "#" + marker.group(2);
                if (i + 1 >= lines.size() || !FENCE.matcher(lines.get(i + 1)).matches()) {
                    problems.add(new Problem(shown, i + 1, label, "the marker is not followed by a ``` fence", ""));
                    continue;
                }
                int close = closingFence(lines, i + 1);
                if (close < 0) {
                    problems.add(new Problem(shown, i + 2, label, "the code block is never closed", ""));
                    break;
                }
                blocks++;
                List<String> found = lines.subList(i + 2, close);
                String error = null;
                List<String> expected = null;
                try {
                    expected = region(marker.group(1), marker.group(2));
                } catch (MissingRegion e) {
                    error = e.getMessage();
                }
                out.add(lines.get(i + 1));
                if (error != null) {
                    problems.add(new Problem(shown, i + 1, label, error, ""));
                    out.addAll(found);
                } else if (expected != null && !expected.equals(found)) {
                    problems.add(new Problem(shown, i + 1, label,
                            "the code block differs from its source region (run scripts/sync-notes.sh)",
                            Diff.hint(expected, found, i + 3)));
                    out.addAll(write ? expected : found);
                    changed |= write;
                } else {
                    out.addAll(found);
                }
                out.add(lines.get(close));
                i = close;
            } else if (fence.matches()) {
                int close = closingFence(lines, i);
                if (fence.group(3).equals("java")) {
                    problems.add(new Problem(shown, i + 1, "",
                            "a ```java block without a <!-- @code path#region --> marker right above it",
                            "no hand-written Java in the notes: put the code in a demo region and reference it"));
                }
                int end = close < 0 ? lines.size() - 1 : close;
                out.addAll(lines.subList(i, end + 1));
                i = end;
            } else {
                out.add(line);
            }
        }
        String text = String.join("\n", out) + "\n";
        return new FileResult(problems, changed ? Optional.of(text) : Optional.empty(), blocks);
    }

    /** The index of the fence that closes the one at {@code open} (same or longer backtick run), or -1. */
    private static int closingFence(List<String> lines, int open) {
        Matcher m = FENCE.matcher(lines.get(open));
        if (!m.matches()) {
            return -1;
        }
        String ticks = m.group(2);
        for (int j = open + 1; j < lines.size(); j++) {
            Matcher c = FENCE.matcher(lines.get(j));
            if (c.matches() && c.group(3).isEmpty() && c.group(2).length() >= ticks.length()
                    && lines.get(j).strip().chars().allMatch(ch -> ch == '`')) {
                return j;
            }
        }
        return -1;
    }

    /** Thrown when a marker names a file or region that does not exist. */
    static final class MissingRegion extends Exception {
        MissingRegion(String message) {
            super(message);
        }
    }

    /**
     * The lines of region {@code name} in {@code relativePath}: without the marker lines of nested regions,
     * dedented by the smallest indentation of its non-blank lines.
     */
    public List<String> region(String relativePath, String name) throws MissingRegion {
        Path source = baseDir.resolve(relativePath).normalize();
        if (!source.startsWith(baseDir) || !Files.isRegularFile(source)) {
            throw new MissingRegion("no such source file: " + relativePath + " (paths are relative to "
                    + baseDir.getFileName() + "/)");
        }
        Map<String, List<String>> regions = regions(readLines(source));
        List<String> lines = regions.get(name);
        if (lines == null) {
            throw new MissingRegion("no region '" + name + "' in " + relativePath + " (regions there: "
                    + (regions.isEmpty() ? "none" : String.join(", ", regions.keySet())) + ")");
        }
        return dedent(lines);
    }

    /** All regions of a source, by name, in order; regions may nest or overlap. */
    static Map<String, List<String>> regions(List<String> source) {
        Map<String, List<String>> done = new LinkedHashMap<>();
        Map<String, List<String>> open = new LinkedHashMap<>();
        for (String line : source) {
            Matcher start = START.matcher(line);
            Matcher end = END.matcher(line);
            if (start.find()) {
                open.put(start.group(1), new ArrayList<>());
            } else if (end.find()) {
                String name = end.group(1) != null ? end.group(1) : lastKey(open);
                List<String> body = name == null ? null : open.remove(name);
                if (body != null) {
                    done.put(name, body);
                }
            } else {
                open.values().forEach(body -> body.add(line));
            }
        }
        return done;
    }

    private static @Nullable String lastKey(Map<String, ?> map) {
        String last = null;
        for (String k : map.keySet()) {
            last = k;
        }
        return last;
    }

    static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        List<String> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(indent).stripTrailing());
        }
        return out;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
