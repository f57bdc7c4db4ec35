package dev.opsworkbook.notes.sync;

import java.nio.file.Path;

/**
 * Checks ({@code --check}, the default) or rewrites ({@code --write}) the notes' code blocks from their
 * source regions. Usage: {@code SnippetSync [--check|--write] [interview-notes-dir]}; exit code 0 when
 * everything is in sync (or was rewritten), 1 when problems remain, 2 on a usage error.
 */
public final class SnippetSync {

    private SnippetSync() {
    }

    public static void main(String... args) {
        boolean write = false;
        Path dir = Path.of(".");
        for (String arg : args) {
            switch (arg) {
                case "--write" -> write = true;
                case "--check" -> write = false;
                case "-h", "--help" -> {
                    System.out.println("usage: SnippetSync [--check|--write] [interview-notes-dir]");
                    return;
                }
                default -> {
                    if (arg.startsWith("-")) {
                        System.err.println("unknown option " + arg + "; usage: SnippetSync [--check|--write] [dir]");
                        System.exit(2);
                    }
                    dir = Path.of(arg);
                }
            }
        }
        boolean rewrite = write;
        Snippets.Result result = new Snippets(dir).process(rewrite);
        result.rewritten().forEach(p -> System.out.println("rewrote " + p));
        // After --write, drift is fixed; what remains are missing regions and unmarked blocks.
        var remaining = result.problems().stream()
                .filter(p -> !rewrite || !p.message().startsWith("the code block differs"))
                .toList();
        remaining.forEach(p -> System.err.println(p));
        System.out.println(result.blocks() + " code blocks, " + remaining.size() + " problem(s)"
                + (rewrite ? ", " + result.rewritten().size() + " file(s) rewritten" : ""));
        if (!remaining.isEmpty()) {
            System.exit(1);
        }
    }
}
