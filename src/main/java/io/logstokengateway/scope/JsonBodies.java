package io.logstokengateway.scope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Strict reading of the bodies the gateway must check. It reads at most what Elasticsearch reads and refuses the
 * rest: duplicate keys (Elasticsearch refuses them too, and one reader must not see another value than the other),
 * trailing content after a JSON value, comments, invalid UTF-8 and blank NDJSON lines (which Elasticsearch skips
 * or reads as an empty header, so they could shift the header/body pairing).
 */
final class JsonBodies {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBodies() {
    }

    /**
     * Runs a check, turning a refusal (or any malformed input it met) into a verdict, and a name the catalog does
     * not know into a request to check again on a newer one; never throws.
     */
    static BodyRule.BodyVerdict verdict(byte[] body, Function<byte[], BodyRule.BodyVerdict> check) {
        try {
            return check.apply(body == null ? new byte[0] : body);
        } catch (ScopeRefusal refusal) {
            return new BodyRule.BodyVerdict.Deny(refusal.status(), refusal.getMessage());
        } catch (IndexScoping.CatalogTooOld tooOld) {
            return new BodyRule.BodyVerdict.ReadCatalogAgain();
        }
    }

    /** The whole body as one JSON object, or empty when the body is empty or blank. */
    static Optional<ObjectNode> optionalObject(byte[] body) {
        String text = utf8(body);
        return text.isBlank() ? Optional.empty() : Optional.of(object(text));
    }

    /** One JSON object, alone on its text. */
    static ObjectNode object(String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ScopeRefusal("the request body is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ScopeRefusal("the request body must be a JSON object");
        }
        return object;
    }

    /**
     * The lines of an NDJSON body as {@code [start, end)} byte ranges, split on the newline byte as Elasticsearch
     * splits them (in UTF-8 that byte is never part of another character). The last line may lack its newline;
     * none may be blank. Lines are not decoded here, so a bulk body's documents are never copied.
     */
    static List<int[]> lines(byte[] body) {
        List<int[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                if (i == body.length && start == body.length) {
                    break;
                }
                if (isBlank(body, start, i)) {
                    throw new ScopeRefusal("line " + (lines.size() + 1) + " of the request body is blank");
                }
                lines.add(new int[] {start, i});
                start = i + 1;
            }
        }
        if (lines.isEmpty()) {
            throw new ScopeRefusal("the request body is empty");
        }
        return lines;
    }

    /** One line of an NDJSON body, decoded. */
    static String text(byte[] body, int[] line) {
        return utf8(Arrays.copyOfRange(body, line[0], line[1]));
    }

    private static boolean isBlank(byte[] body, int from, int to) {
        for (int i = from; i < to; i++) {
            if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The JSON text of {@code node}, as bytes. */
    static byte[] bytes(JsonNode node) {
        return write(node).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new ScopeRefusal("the request body could not be rewritten");
        }
    }

    static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ScopeRefusal("the request body is not valid UTF-8");
        }
    }
}
