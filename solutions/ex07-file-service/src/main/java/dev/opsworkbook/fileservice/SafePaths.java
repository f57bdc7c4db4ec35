package dev.opsworkbook.fileservice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the path a client wrote into a file under the root, or refuses it. The order matters: decode once, check
 * the decoded text against an allow-list, resolve and normalise as {@link Path} elements, and check containment
 * by elements (never by string prefix: {@code /srv/data-evil} starts with the string {@code /srv/data}).
 */
final class SafePaths {

    /** A refused path; the message is safe to show to the client (it never contains file contents). */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_SEGMENT_BYTES = 255;
    private static final int MAX_SEGMENTS = 32;

    private SafePaths() {
    }

    /**
     * The relative path a client named, percent-decoded exactly once and checked segment by segment.
     *
     * @param raw the path as sent, still percent-encoded, without the leading {@code /files/}
     */
    static String decode(String raw) throws Refused {
        byte[] bytes = percentDecode(raw);
        String text;
        try {
            // Strict: overlong forms such as %c0%ae ("." in 2 bytes) are malformed UTF-8, not a dot.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused("the path is not valid UTF-8");
        }
        List<String> segments = List.of(text.split("/", -1));
        if (text.isEmpty() || segments.size() > MAX_SEGMENTS) {
            throw new Refused("the path must have 1 to " + MAX_SEGMENTS + " segments");
        }
        for (String segment : segments) {
            checkSegment(segment);
        }
        return text;
    }

    /** The file {@code relative} (already {@link #decode decoded}) names under {@code root}, by path elements. */
    static Path resolve(Path root, String relative) throws Refused {
        Path target = root.resolve(relative).normalize();
        // Redundant after the allow-list (no "..", no leading "/"), and cheap: containment is what matters.
        if (!target.startsWith(root) || target.equals(root)) {
            throw new Refused("the path leaves the root");
        }
        return target;
    }

    /**
     * The real path of an existing regular file under {@code realRoot}: symbolic links are followed by the
     * operating system and the result must still be inside the root.
     */
    static Path existingFile(Path realRoot, Path target) throws Refused, IOException {
        Path real;
        try {
            real = target.toRealPath();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(realRoot.relativize(target).toString());
        }
        if (!real.startsWith(realRoot)) {
            throw new Refused("the path leads out of the root");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(realRoot.relativize(target).toString());
        }
        return real;
    }

    /**
     * Creates the missing directories between {@code root} and {@code target}'s parent, one element at a time,
     * refusing any element that is a symbolic link (Files.createDirectories would follow it out of the root).
     */
    static void createParents(Path root, Path target) throws Refused, IOException {
        Path dir = root;
        Path relativeParent = root.relativize(target).getParent();
        if (relativeParent != null) {
            for (Path name : relativeParent) {
                dir = dir.resolve(name);
                if (Files.isSymbolicLink(dir)) {
                    throw new Refused("the path goes through a symbolic link");
                }
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createDirectory(dir);
                    } catch (java.nio.file.FileAlreadyExistsException e) {
                        // created by a concurrent upload: checked below like any other
                    }
                }
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw new Refused("a file is in the way of the path");
                }
            }
        }
        if (Files.isSymbolicLink(target)) {
            throw new Refused("the path is a symbolic link");
        }
    }

    private static void checkSegment(String segment) throws Refused {
        if (segment.isEmpty()) {
            throw new Refused("the path has an empty segment (a leading, trailing or double slash)");
        }
        if (segment.charAt(0) == '.') {
            throw new Refused("a path segment must not start with a dot");
        }
        char last = segment.charAt(segment.length() - 1);
        if (last == '.' || last == ' ') {
            throw new Refused("a path segment must not end with a dot or a space");
        }
        if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            throw new Refused("a path segment is longer than " + MAX_SEGMENT_BYTES + " bytes");
        }
        for (int i = 0; i < segment.length(); ) {
            int cp = segment.codePointAt(i);
            if (!allowed(cp)) {
                throw new Refused("the path contains a character that is not allowed");
            }
            i += Character.charCount(cp);
        }
    }

    /** Letters, combining marks and digits of any script, and a few ASCII punctuation characters. */
    private static boolean allowed(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                 Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK, Character.DECIMAL_DIGIT_NUMBER -> true;
            default -> cp < 0x80 && "._-~+@=,() ".indexOf(cp) >= 0;
        };
    }

    private static byte[] percentDecode(String raw) throws Refused {
        byte[] in = raw.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '%') {
                out[n++] = in[i];
                continue;
            }
            int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int lo = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
            if (hi < 0 || lo < 0) {
                throw new Refused("the path has a broken percent-escape");
            }
            out[n++] = (byte) (hi << 4 | lo);
            i += 2;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
