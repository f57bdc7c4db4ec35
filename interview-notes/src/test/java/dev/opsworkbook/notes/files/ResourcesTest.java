package dev.opsworkbook.notes.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Q16: try-with-resources")
class ResourcesTest {

    final List<String> journal = new ArrayList<>();

    @Test
    @DisplayName("closes resources in reverse order of opening")
    void reverseOrder() {
        Resources.pipeline(journal, false, null, null);
        assertThat(journal).containsExactly("open lock", "open file", "open conn", "work",
                "close conn", "close file", "close lock");
    }

    @Test
    @DisplayName("keeps the body's exception as primary and the close() failure as suppressed")
    void suppressed() {
        assertThatThrownBy(() -> Resources.pipeline(journal, true, "file", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("work failed")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessage("close failed: file")));
        assertThat(journal).endsWith("close conn", "close file", "close lock");
    }

    @Test
    @DisplayName("still closes every resource when several close() calls throw")
    void allClosedEvenIfClosesThrow() {
        assertThatThrownBy(() -> Resources.pipeline(journal, false, "conn", null))
                .hasMessage("close failed: conn");
        journal.clear();
        assertThatThrownBy(() -> Resources.pipeline(journal, true, "lock", null))
                .hasMessage("work failed");
        assertThat(journal).endsWith("close conn", "close file", "close lock");
    }

    @Test
    @DisplayName("when opening one resource fails, the ones already open are closed")
    void openFailureClosesEarlierOnes() {
        assertThatThrownBy(() -> Resources.pipeline(journal, false, null, "file")).hasMessage("cannot open file");
        assertThat(journal).containsExactly("open lock", "open failed file", "close lock");
    }

    @Test
    @DisplayName("try/finally loses the body's exception when close() throws")
    void finallyMasks() {
        assertThatThrownBy(() -> Resources.pipelineWithFinally(journal))
                .hasMessage("close failed: file")
                .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    }
}
