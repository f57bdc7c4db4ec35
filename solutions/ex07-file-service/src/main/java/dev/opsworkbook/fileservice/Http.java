package dev.opsworkbook.fileservice;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** Small helpers for answering an exchange. */
final class Http {

    private Http() {
    }

    /** An error answer: a one-line text body. {@code close} also ends the connection (a body may be unread). */
    static void error(HttpExchange exchange, int status, String message, boolean close) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (close) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        send(exchange, status, body);
    }

    static void json(HttpExchange exchange, int status, Map<String, ?> fields) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, FlatJson.object(fields).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            // A HEAD answer has no body, whatever GET would send; -1 says so and completes the exchange at once.
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        // Closing the body stream flushes the answer before the server drains what is left of the request.
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Whether the request carries {@code Authorization: Bearer <secret>}, compared in constant time. */
    static boolean authorized(HttpExchange exchange, byte[] secret) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String scheme = "Bearer ";
        if (header == null || !header.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return false;
        }
        byte[] presented = header.substring(scheme.length()).getBytes(StandardCharsets.UTF_8);
        // isEqual's time does not depend on where the first difference is: no byte-by-byte guessing.
        return MessageDigest.isEqual(presented, secret);
    }

    /** Answers 401 unless authorized; returns whether the request may go on. */
    static boolean requireAuth(HttpExchange exchange, byte[] secret, boolean hasBody) throws IOException {
        if (authorized(exchange, secret)) {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"files\"");
        error(exchange, 401, "a valid Authorization: Bearer token is required", hasBody);
        return false;
    }

    /** Answers 405 with the allowed methods. */
    static void methodNotAllowed(HttpExchange exchange, String allow) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        error(exchange, 405, "method not allowed; allowed: " + allow, true);
    }
}
