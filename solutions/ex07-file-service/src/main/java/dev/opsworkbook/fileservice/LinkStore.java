package dev.opsworkbook.fileservice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One-time download links. The store keeps the SHA-256 of each token, never the token: whoever reads the store
 * (a heap dump, a backup, a debug endpoint) cannot turn what they see into a working link. Looking a token up by
 * its hash is also what makes the comparison safe against timing: the attacker does not choose the hash.
 */
final class LinkStore {

    /** The life of a link: a GET may take it from READY to SENDING; only a complete 200 makes it SPENT. */
    enum State { READY, SENDING, SPENT }

    /** A link: what it serves, until when, and where it is in its life. */
    static final class Link {
        final String path;
        final Instant expiresAt;
        final AtomicReference<State> state = new AtomicReference<>(State.READY);

        Link(String path, Instant expiresAt) {
            this.path = path;
            this.expiresAt = expiresAt;
        }

        boolean expired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    /** A new link's token, which is handed out once and then forgotten. */
    record Created(String token, Instant expiresAt) {
    }

    private static final int TOKEN_BYTES = 32; // 256 bits: far beyond guessing, still a short URL

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Link> byHash = new ConcurrentHashMap<>();
    private final Clock clock;

    LinkStore(Clock clock) {
        this.clock = clock;
    }

    Created create(String path, java.time.Duration ttl) {
        Instant now = clock.instant();
        // Links are only ever looked up by token, so expired ones would stay for ever: sweep them here.
        byHash.values().removeIf(link -> link.expired(now));
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Link link = new Link(path, now.plus(ttl));
        byHash.put(hash(token), link);
        return new Created(token, link.expiresAt);
    }

    /** The link of {@code token}, or null if there is none (never was, or expired and swept). */
    @Nullable Link find(String token) {
        return byHash.get(hash(token));
    }

    Instant now() {
        return clock.instant();
    }

    /** One line per link: its key (the token's hash), path, expiry and state. */
    String dump() {
        return byHash.entrySet().stream()
                .map(e -> "sha256=" + e.getKey() + " path=" + e.getValue().path + " expires_at="
                        + e.getValue().expiresAt + " state=" + e.getValue().state.get())
                .sorted()
                .collect(Collectors.joining("\n"));
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
