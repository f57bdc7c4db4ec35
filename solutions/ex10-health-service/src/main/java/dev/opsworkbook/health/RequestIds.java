package dev.opsworkbook.health;

import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Which request ids the service accepts from a client, and the ones it makes up itself. */
final class RequestIds {

    /**
     * An allow-list, not a sanitizer: a client id is used as it is or not at all, so a CR, an ANSI escape or
     * 10 KB of text never reaches a log line, a header or a file name built from the MDC.
     */
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private RequestIds() {
    }

    static String acceptOrGenerate(@Nullable String fromClient) {
        return fromClient != null && ACCEPTED.matcher(fromClient).matches() ? fromClient : generate();
    }

    static String generate() {
        return UUID.randomUUID().toString();
    }
}
