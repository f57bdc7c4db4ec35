package dev.opsworkbook.notes.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The snippet framework")
class SnippetsTest {

    @TempDir
    Path dir;

    static final String SOURCE = """
            package demo;

            class Demo {
                // @start region=outer
                int twice(int x) {
                    // @start region=inner
                    return 2 * x;
                    // @end region=inner
                }
                // @end region=outer
            }
            """;

    static final String NOTE = """
            # Demo

            <!-- @code src/Demo.java#inner -->
            ```java
            return 2 * x;
            ```

            Some shell, which is not checked:

            ```bash
            echo hi
            ```

            <!-- @code src/Demo.java#outer -->
            ```java
            int twice(int x) {
                return 2 * x;
            }
            ```
            """;

    @BeforeEach
    void writeSources() throws IOException {
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/Demo.java"), SOURCE);
    }

    private Snippets.Result check(String note) throws IOException {
        Files.writeString(dir.resolve("note.md"), note);
        return new Snippets(dir).process(false);
    }

    @Test
    @DisplayName("accepts blocks equal to their (dedented, nested-marker-free) regions")
    void inSync() throws IOException {
        Snippets.Result r = check(NOTE);
        assertThat(r.problems()).isEmpty();
        assertThat(r.blocks()).isEqualTo(2);
    }

    @Nested
    @DisplayName("fails, naming the file, the marker and the difference, when")
    class Failures {

        @Test
        @DisplayName("a block drifted from its region")
        void drift() throws IOException {
            Snippets.Result r = check(NOTE.replace("    return 2 * x;\n}", "    return x + x;\n}"));
            assertThat(r.problems()).singleElement().satisfies(p -> {
                assertThat(p.markdown()).isEqualTo(Path.of("note.md"));
                assertThat(p.line()).isEqualTo(14);
                assertThat(p.marker()).isEqualTo("@code src/Demo.java#outer");
                assertThat(p.message()).contains("differs from its source region");
                assertThat(p.hint()).contains("-     return 2 * x;", "+     return x + x;", "@@ note line 16 @@");
            });
        }

        @Test
        @DisplayName("a marker names a region that does not exist")
        void missingRegion() throws IOException {
            Snippets.Result r = check(NOTE.replace("#inner", "#innr"));
            assertThat(r.problems()).singleElement().satisfies(p -> {
                assertThat(p.marker()).isEqualTo("@code src/Demo.java#innr");
                assertThat(p.message()).isEqualTo("no region 'innr' in src/Demo.java (regions there: inner, outer)");
            });
        }

        @Test
        @DisplayName("a marker names a file that does not exist")
        void missingFile() throws IOException {
            Snippets.Result r = check(NOTE.replace("src/Demo.java#inner", "src/Nope.java#inner"));
            assertThat(r.problems()).singleElement()
                    .satisfies(p -> assertThat(p.message()).startsWith("no such source file: src/Nope.java"));
        }

        @Test
        @DisplayName("a ```java block has no marker (hand-written Java)")
        void unmarkedJava() throws IOException {
            Snippets.Result r = check(NOTE + "\n```java\nSystem.exit(0);\n```\n");
            assertThat(r.problems()).singleElement().satisfies(p -> {
                assertThat(p.line()).isEqualTo(21);
                assertThat(p.message()).contains("without a <!-- @code path#region --> marker");
            });
        }

        @Test
        @DisplayName("a marker is not directly followed by a fence")
        void markerWithoutFence() throws IOException {
            Snippets.Result r = check(NOTE.replace("#inner -->\n```java", "#inner -->\n\n```java"));
            assertThat(r.problems()).extracting(Snippets.Problem::message)
                    .contains("the marker is not followed by a ``` fence");
        }
    }

    @Nested
    @DisplayName("rewriting")
    class Rewriting {

        @Test
        @DisplayName("restores drifted blocks from the sources, and a second run changes nothing")
        void rewriteIsIdempotent() throws IOException {
            Path note = dir.resolve("note.md");
            Files.writeString(note, NOTE.replace("return 2 * x;", "return 3 * x; // edited by hand"));
            Snippets.Result first = new Snippets(dir).process(true);
            assertThat(first.rewritten()).containsExactly(note);
            assertThat(Files.readString(note)).isEqualTo(NOTE);

            Snippets.Result second = new Snippets(dir).process(true);
            assertThat(second.rewritten()).isEmpty();
            assertThat(second.problems()).isEmpty();
            assertThat(Files.readString(note)).isEqualTo(NOTE);
        }

        @Test
        @DisplayName("fills an empty block and picks up a changed source")
        void followsTheSource() throws IOException {
            Path note = dir.resolve("note.md");
            Files.writeString(note, "<!-- @code src/Demo.java#inner -->\n```java\n```\n");
            new Snippets(dir).process(true);
            assertThat(Files.readString(note)).isEqualTo("<!-- @code src/Demo.java#inner -->\n```java\nreturn 2 * x;\n```\n");

            Files.writeString(dir.resolve("src/Demo.java"), SOURCE.replace("2 * x", "x << 1"));
            assertThat(new Snippets(dir).process(false).problems()).hasSize(1);
            new Snippets(dir).process(true);
            assertThat(Files.readString(note)).contains("return x << 1;");
        }

        @Test
        @DisplayName("leaves markers inside other fences (documentation of the syntax) alone")
        void ignoresMarkersInsideOtherFences() throws IOException {
            String doc = "````text\n<!-- @code src/Demo.java#nope -->\n```java\nanything\n```\n````\n";
            Snippets.Result r = check(doc);
            assertThat(r.problems()).isEmpty();
            assertThat(r.blocks()).isZero();
        }
    }

    @Test
    @DisplayName("reads regions from any comment style (XML, Dockerfile)")
    void otherCommentStyles() throws Exception {
        Files.writeString(dir.resolve("src/app.xml"), """
                <a>
                  <!-- @start region=b -->
                  <b/>
                  <!-- @end region=b -->
                </a>
                """);
        assertThat(new Snippets(dir).region("src/app.xml", "b")).isEqualTo(List.of("<b/>"));
    }
}
