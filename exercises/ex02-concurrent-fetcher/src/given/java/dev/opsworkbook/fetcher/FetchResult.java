package dev.opsworkbook.fetcher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one URL.
 *
 * @param url      the URL as given
 * @param status   HTTP status of the last attempt that got a response, or {@link #NO_STATUS}
 * @param body     body of that response (empty if none)
 * @param attempts requests sent for this URL (0 if none was: a malformed URL, or the overall deadline)
 * @param elapsed  time from this URL's first attempt (or from its turn) to its result
 * @param error    why there is no response: a transport error, a timeout, a malformed URL, the overall
 *                 deadline; {@code null} when the last attempt got a response, whatever its status
 */
@SuppressWarnings("ArrayRecordComponent") // the body as received; results are read, never compared with equals
public record FetchResult(String url, int status, byte[] body, int attempts, Duration elapsed,
                          @Nullable Exception error) {

    /** The status of a result without any response. */
    public static final int NO_STATUS = -1;

    /** True for a 2xx response. */
    public boolean ok() {
        return error == null && status >= 200 && status < 300;
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "FetchResult[url=" + url + ", status=" + status + ", bodyBytes=" + body.length + ", attempts="
                + attempts + ", elapsed=" + elapsed.toMillis() + " ms, error=" + error + "]";
    }
}
