package dev.opsworkbook.config;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

/**
 * A YAML 1.2 file parsed into nodes, not objects: the nodes keep every scalar as the text it was written as (the
 * target type decides what it means) and the position of every key and value.
 */
final class YamlFile {

    /** Aliases to collections allowed in one file: enough for real configs, far too few for a billion laughs. */
    static final int MAX_COLLECTION_ALIASES = 50;
    /** A config file is small; this bounds the memory a hostile one can take before anything is bound. */
    static final int MAX_CODE_POINTS = 3 * 1024 * 1024;
    /** YAML 1.2's plain nulls (core schema); a quoted {@code 'null'} is text. */
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

    private YamlFile() {
    }

    /** Thrown for a file that is not YAML, with the position of the problem when the parser knows it. */
    static final class Unparsable extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Source.File where;

        Unparsable(Source.File where, String message) {
            super(message, null, false, false);
            this.where = where;
        }

        Source.File where() {
            return where;
        }
    }

    /** The root node, or empty for a file with no document (empty, or only comments). */
    static Optional<Node> parse(Path path, byte[] bytes) throws Unparsable {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Unparsable(Source.File.of(path), "cannot read: not UTF-8 text");
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(path.toString())
                // Failsafe: every scalar stays a string (the target type decides), and the parser spends nothing on
                // the core schema's regular expressions; isNull() recognises the only implicit type we need.
                .setSchema(new FailsafeSchema())
                .setMaxAliasesForCollections(MAX_COLLECTION_ALIASES)
                .setCodePointLimit(MAX_CODE_POINTS)
                .build();
        try {
            return new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Source.File where = e.getProblemMark().or(e::getContextMark).map(m -> at(path, m))
                    .orElse(Source.File.of(path));
            throw new Unparsable(where, "malformed YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("aliases")) {
                throw new Unparsable(Source.File.of(path), "too many aliases (more than " + MAX_COLLECTION_ALIASES
                        + " to collections): refusing to expand what may be a billion-laughs file");
            }
            throw new Unparsable(Source.File.of(path), "malformed YAML: " + message);
        }
    }

    /** Where {@code node} starts, counting lines and columns from 1. */
    static Source.File at(Path path, Node node) {
        return node.getStartMark().map(m -> at(path, m)).orElse(Source.File.of(path));
    }

    private static Source.File at(Path path, Mark mark) {
        return new Source.File(path, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** A plain {@code ~}, {@code null} or nothing at all: the key is there, without a value. */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && (s.getTag().equals(Tag.NULL)
                || (s.getScalarStyle() == ScalarStyle.PLAIN && s.getValue().length() <= 4 && NULLS.contains(s.getValue())));
    }

    static @Nullable String scalarText(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }
}
