package dev.opsworkbook.fileservice;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 connection written by hand, for what the JDK HttpClient will not send: malformed request targets,
 * a body sent in parts (or never), chunked bodies, and a client that vanishes mid-transfer.
 */
final class RawHttp implements AutoCloseable {

    /** A response: the status, its headers (names lower-cased), and its body (complete, per Content-Length). */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the service on loopback; every read gives up after {@code readTimeout}. */
    static RawHttp connect(int port, Duration readTimeout) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) readTimeout.toMillis());
        return new RawHttp(socket);
    }

    /** Sends text as ISO-8859-1 bytes, i.e. one byte per char, exactly as written. */
    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends {@code count} bytes of {@code pattern}, repeated. */
    RawHttp sendRepeated(byte pattern, long count) throws IOException {
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, pattern);
        for (long left = count; left > 0; ) {
            int n = (int) Math.min(block.length, left);
            out.write(block, 0, n);
            left -= n;
        }
        out.flush();
        return this;
    }

    /** The status line's code, or throws if the connection ends or stays silent first. */
    int readStatus() throws IOException {
        String line = readLine();
        if (line == null) {
            throw new IOException("the connection was closed before any response");
        }
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + line);
        }
        return Integer.parseInt(parts[1]);
    }

    Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** A whole response; the body is read by Content-Length, or to the end of the connection without one. */
    Response readResponse() throws IOException {
        int status = readStatus();
        Map<String, String> headers = readHeaders();
        String length = headers.get("content-length");
        byte[] body;
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked();
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, body);
    }

    /** Sends everything {@code body} holds, in large writes. */
    RawHttp sendAll(InputStream body) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        for (int n; (n = body.readNBytes(buffer, 0, buffer.length)) > 0; ) {
            out.write(buffer, 0, n);
        }
        out.flush();
        return this;
    }

    /**
     * Reads {@code count} body bytes and compares them with {@code expected}: the offset of the first difference,
     * or of the end of the connection if it ends early; -1 if all {@code count} bytes are equal.
     */
    long compareBody(long count, InputStream expected) throws IOException {
        byte[] got = new byte[256 * 1024];
        byte[] want = new byte[got.length];
        long read = 0;
        while (read < count) {
            int n = in.read(got, 0, (int) Math.min(got.length, count - read));
            if (n < 0) {
                return read;
            }
            expected.readNBytes(want, 0, n);
            int at = java.util.Arrays.mismatch(got, 0, n, want, 0, n);
            if (at >= 0) {
                return read + at;
            }
            read += n;
        }
        return -1;
    }

    /** Reads and discards {@code count} body bytes (fewer if the connection ends); returns how many. */
    long skipBody(long count) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        while (read < count) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, count - read));
            if (n < 0) {
                break;
            }
            read += n;
        }
        return read;
    }

    /** Like a crashed client or a dropped connection: close with an RST (SO_LINGER 0), nothing more is read. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                return body.toByteArray();
            }
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                readHeaders();
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine();
        }
    }

    private @Nullable String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("no answer within " + socket.getSoTimeout() + " ms"
                        + (line.isEmpty() ? "" : " (got a partial line: " + line + ")"));
            }
            if (b < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }
}
