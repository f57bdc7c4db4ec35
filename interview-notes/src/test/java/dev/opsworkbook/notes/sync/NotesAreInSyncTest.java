package dev.opsworkbook.notes.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The interview notes")
class NotesAreInSyncTest {

    /** Surefire runs in the module directory; {@code basedir} is set by Maven when it is not. */
    static final Path NOTES = Path.of(System.getProperty("basedir", "."));

    @Test
    @DisplayName("have every code block identical to its source region, and no unmarked Java")
    void everyBlockMatchesItsRegion() {
        Snippets.Result result = new Snippets(NOTES).process(false);
        assertThat(result.problems())
                .withFailMessage(() -> "the notes are out of sync with the demos:\n\n"
                        + result.problems().stream().map(Snippets.Problem::toString)
                                .collect(Collectors.joining("\n\n"))
                        + "\n\nfix the source, or run scripts/sync-notes.sh to rewrite the blocks from the sources")
                .isEmpty();
        assertThat(result.blocks()).as("code blocks found in the notes").isGreaterThan(0);
    }
}
