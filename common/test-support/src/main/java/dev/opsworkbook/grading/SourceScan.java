package dev.opsworkbook.grading;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Looks through a learner's sources, before grading, for code that reaches for the grader: its classes, its
 * output files, its results channel, the test framework. A finding is a
 * <em>flag</em> in the report for a person to look at, not a penalty: an honest solution may trip one by
 * accident, and the learner must be able to see why.
 */
final class SourceScan {
    private SourceScan() {
    }

    private record Rule(Pattern pattern, String why) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("dev\\.opsworkbook\\.grading"), "uses the grading kit's own classes"),
            new Rule(Pattern.compile("org\\.junit|org\\.apache\\.maven\\.surefire|surefire\\.booter"),
                    "uses the test framework (JUnit or Surefire) from the solution"),
            new Rule(Pattern.compile("target/grading|results\\.json|surefire-reports|TEST-[^\"]*\\.xml"),
                    "names a file the grader writes"),
            new Rule(Pattern.compile("GRADING_COLLECTOR|grading\\.collector|grading\\.results"),
                    "names the grader's results channel or settings"),
            // Not flagged: FileDescriptor.out (a fast CLI may write it; no score comes from output) and
            // shutdown hooks as such (a service drains on SIGTERM in one).
            new Rule(Pattern.compile("\"(\\./)?target/"), "names a path under target/, where the grader's files are"));

    /** Findings for every file under {@code sourceRoot} ({@code src/main}), as "path:line: why". */
    static List<String> flags(Path moduleDir) throws IOException {
        List<String> flags = new ArrayList<>();
        Path main = moduleDir.resolve("src/main");
        if (!Files.isDirectory(main)) {
            return flags;
        }
        List<Path> files;
        try (Stream<Path> all = Files.walk(main)) {
            files = all.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String where = moduleDir.relativize(file).toString();
            if (where.contains("META-INF/services/org.junit")) {
                flags.add(where + ": registers itself with JUnit (a listener or extension runs inside the grader)");
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException notText) {
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                for (Rule rule : RULES) {
                    if (rule.pattern().matcher(lines.get(i)).find()) {
                        flags.add(where + ":" + (i + 1) + ": " + rule.why());
                    }
                }
            }
        }
        return flags;
    }
}
