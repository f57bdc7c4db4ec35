package dev.opsworkbook.notes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.opsworkbook.testing.LeakCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ExtendWith(LeakCheck.class)
@DisplayName("Q6: structured JSON logs with a request id")
class RequestLoggingTest {

    /** Encodes each event with the JSON encoder that logback.xml configures, at the moment it is logged. */
    static final class JsonLines extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new ArrayList<>();
        final Encoder<ILoggingEvent> encoder;

        JsonLines(Encoder<ILoggingEvent> encoder) {
            this.encoder = encoder;
        }

        @Override
        protected synchronized void append(ILoggingEvent event) {
            lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
        }

        synchronized List<JsonNode> json() {
            JsonMapper mapper = JsonMapper.builder().build();
            List<JsonNode> nodes = new ArrayList<>();
            for (String raw : lines) {
                assertThat(raw).as("one event, one line").endsWith("\n").doesNotContain("\n\n");
                nodes.add(mapper.readTree(raw));
            }
            return nodes;
        }
    }

    final Logger logger = (Logger) LoggerFactory.getLogger(RequestLogging.class);
    JsonLines captured;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void attach() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var configured = (OutputStreamAppender<ILoggingEvent>) root.getAppender("JSON");
        assertThat(configured).as("the JSON appender from src/main/resources/logback.xml").isNotNull();
        captured = new JsonLines(configured.getEncoder());
        captured.setContext(logger.getLoggerContext());
        captured.start();
        logger.addAppender(captured);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(captured);
        captured.stop();
    }

    @Test
    @DisplayName("writes one JSON object per line with typed key-values, level, logger and custom fields")
    void jsonLine() {
        RequestLogging.handle("req-42", "/admin/users");
        JsonNode line = captured.json().getFirst();
        assertThat(line.get("message").asString()).isEqualTo("request served");
        assertThat(line.get("level").asString()).isEqualTo("INFO");
        assertThat(line.get("logger_name").asString()).isEqualTo(RequestLogging.class.getName());
        assertThat(line.get("path").asString()).isEqualTo("/admin/users");
        assertThat(line.get("status").isNumber()).as("status is a JSON number: %s", line).isTrue();
        assertThat(line.get("status").asInt()).isEqualTo(403);
        assertThat(line.get("duration_ms").isNumber()).isTrue();
        assertThat(line.get("service").asString()).isEqualTo("ops-notes");
        assertThat(line.get("@timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    @DisplayName("puts the request id on the line, generates one when none came in, and removes it afterwards")
    void requestId() {
        RequestLogging.handle("req-1", "/");
        RequestLogging.handle(null, "/");
        RequestLogging.logBackgroundStep("after");
        List<JsonNode> lines = captured.json();
        assertThat(lines.get(0).get("request_id").asString()).isEqualTo("req-1");
        assertThat(lines.get(1).get("request_id").asString()).matches("[0-9a-f-]{36}");
        assertThat(lines.get(2).has("request_id")).as("MDC cleaned up after the request").isFalse();
        assertThat(MDC.get("request_id")).isNull();
    }

    @Test
    @DisplayName("MDC does not follow work onto another thread unless it is copied")
    void mdcPropagation() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             MDC.MDCCloseable ignored = MDC.putCloseable("request_id", "req-7")) {
            pool.submit(() -> RequestLogging.logBackgroundStep("plain")).get();
            RequestLogging.submitWithMdc(pool, () -> {
                RequestLogging.logBackgroundStep("copied");
                return null;
            }).get();
        }
        List<JsonNode> lines = captured.json();
        assertThat(lines.get(0).has("request_id")).as("plain submit loses the MDC").isFalse();
        assertThat(lines.get(1).get("request_id").asString()).isEqualTo("req-7");
    }
}
