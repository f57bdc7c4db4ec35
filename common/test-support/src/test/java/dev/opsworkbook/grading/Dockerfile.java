package dev.opsworkbook.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parse check of a generated Dockerfile, for a machine without Docker: instructions as Docker's parser reads them
 * (comments, line continuations), every keyword a real one, FROM first with a pinned tag, exec forms valid JSON string
 * arrays, every COPY source present in the build context, the last USER not root. With {@code hadolint} on the PATH
 * (it is no Debian package) it is run too.
 */
final class Dockerfile {
    private static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
            "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
    private static final String JSON_STRING = "\"(?:[^\"\\\\]|\\\\.)*\"";
    private static final Pattern EXEC_FORM = Pattern.compile("\\[\\s*" + JSON_STRING + "(?:\\s*,\\s*" + JSON_STRING + ")*\\s*]");

    private Dockerfile() {
    }

    /** The instructions of {@code file}: keyword and arguments, continuations joined, comments dropped. */
    static List<String[]> instructions(Path file) throws IOException {
        List<String[]> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.startsWith("#") || (l.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (l.endsWith("\\")) {
                pending.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            pending.append(l);
            String text = pending.toString().strip();
            pending.setLength(0);
            int gap = text.indexOf(' ');
            assertThat(gap).as("an instruction with arguments: %s", text).isPositive();
            out.add(new String[] {text.substring(0, gap), text.substring(gap + 1).strip()});
        }
        assertThat(pending.toString()).as("a continuation line ends the file").isEmpty();
        return out;
    }

    static void check(Path context) throws IOException, InterruptedException {
        Path file = context.resolve("Dockerfile");
        List<String[]> instructions = instructions(file);
        assertThat(instructions).isNotEmpty();
        assertThat(instructions.getFirst()[0]).isEqualTo("FROM");
        String user = "root";
        for (String[] i : instructions) {
            assertThat(KEYWORDS).as("a Dockerfile instruction").contains(i[0]);
            switch (i[0]) {
                case "FROM" -> assertThat(i[1]).as("a pinned base image").matches("[\\w./-]+:[\\w.-]+")
                        .doesNotEndWith(":latest");
                case "CMD", "ENTRYPOINT" -> assertThat(i[1]).as("the exec form, a JSON array of strings")
                        .matches(EXEC_FORM);
                case "COPY" -> {
                    List<String> words = new ArrayList<>(List.of(i[1].split("\\s+")));
                    words.removeIf(w -> w.startsWith("--"));
                    for (String source : words.subList(0, words.size() - 1)) {
                        assertThat(context.resolve(source)).as("COPY source %s", source).exists();
                    }
                }
                case "USER" -> user = i[1];
                default -> {
                }
            }
        }
        assertThat(user).as("the grading runs as an ordinary user").isNotIn("root", "0");
        if (onPath("hadolint")) {
            Process lint = new ProcessBuilder("hadolint", file.toString()).redirectErrorStream(true).start();
            String said = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(lint.waitFor()).as(said).isZero();
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
