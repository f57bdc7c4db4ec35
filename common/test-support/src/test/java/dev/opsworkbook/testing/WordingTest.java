package dev.opsworkbook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Wording: the words a message must contain, spelled any way a person writes them")
class WordingTest {

    @Test
    @DisplayName("a camel-case name is found written with spaces, hyphens, underscores or in another case")
    void separatorsAndCaseAreIgnored() {
        for (String message : new String[] {"queueCapacity must be > 0", "queue capacity must be positive",
                "QUEUE_CAPACITY=-5", "bad queue-capacity: 0", "Queue.Capacity"}) {
            assertThat(Wording.names(message, "queueCapacity")).as(message).isTrue();
        }
    }

    @Test
    @DisplayName("a missing word is not found, and the failure quotes the message and names the word")
    void missingWordsFail() {
        assertThat(Wording.names("capacity must be > 0", "queueCapacity")).isFalse();
        assertThat(Wording.names(null, "x")).isFalse();
        assertThatThrownBy(() -> Wording.assertNames("workers must be > 0", "the message", "workers", "0", "-2"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("the message should name '-2' (in any case or spacing), but it was: \"workers must be > 0\"");
    }

    @Test
    @DisplayName("punctuation other than separators still counts: argv[2] is not argv2")
    void otherPunctuationCounts() {
        assertThat(Wording.names("argv[2] is null", "argv[2]")).isTrue();
        assertThat(Wording.names("argv 2 is null", "argv[2]")).isFalse();
        assertThat(Wording.names("queueCapacity must be > 5", "-5")).isFalse();
        assertThat(Wording.names("queue capacity -5", "-5")).isTrue();
    }
}
