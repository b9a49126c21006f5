package io.logstokengateway.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonStringRewriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<List<String>> PATHS = List.of(List.of("_scroll_id"), List.of("pit_id"),
            List.of("responses", "*", "pit_id"));

    private static JsonStringRewriter rewriter() {
        return new JsonStringRewriter(PATHS, (path, value) -> "<" + String.join(".", path) + ":" + value + ">", 1 << 16);
    }

    private static String run(JsonStringRewriter rewriter, byte[] document, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < document.length) {
            int size = Math.min(document.length - at, 1 + random.nextInt(12));
            out.writeBytes(rewriter.chunk(Arrays.copyOfRange(document, at, at + size)));
            at += size;
        }
        out.writeBytes(rewriter.end());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rewritesOnlyTheValuesAtTheGivenPaths() throws Exception {
        String document = "{\"_scroll_id\":\"abc\",\"took\":1,\"hits\":{\"hits\":[{\"_source\":{\"pit_id\":\"mine\","
                + "\"_scroll_id\":\"data\"}}]},\"pit_id\":\"p\\u0031\"}";
        String rewritten = run(rewriter(), document.getBytes(StandardCharsets.UTF_8), new Random(1));
        JsonNode tree = MAPPER.readTree(rewritten);
        assertEquals("<_scroll_id:abc>", tree.get("_scroll_id").asText());
        assertEquals("<pit_id:p1>", tree.get("pit_id").asText());
        assertEquals("mine", tree.at("/hits/hits/0/_source/pit_id").asText(), "a document's own field is data");
        assertEquals("data", tree.at("/hits/hits/0/_source/_scroll_id").asText());
    }

    @Test
    void rewritesEveryElementOfAWildcardPath() throws Exception {
        String document = "{\"took\":3,\"responses\":[{\"pit_id\":\"a\",\"hits\":{}},{\"error\":{\"pit_id\":\"x\"}},"
                + "{\"pit_id\":\"b\"}]}";
        JsonNode tree = MAPPER.readTree(run(rewriter(), document.getBytes(StandardCharsets.UTF_8), new Random(2)));
        assertEquals("<responses.*.pit_id:a>", tree.at("/responses/0/pit_id").asText());
        assertEquals("x", tree.at("/responses/1/error/pit_id").asText());
        assertEquals("<responses.*.pit_id:b>", tree.at("/responses/2/pit_id").asText());
    }

    @Test
    void passesTheRestThroughUnreadOnceEverySinglePathWasSeen() {
        JsonStringRewriter rewriter = new JsonStringRewriter(List.of(List.of("_scroll_id")), (path, value) -> "x", 100);
        rewriter.chunk("{\"_scroll_id\":\"a\",".getBytes(StandardCharsets.UTF_8));
        byte[] rest = "\"hits\":[]}".getBytes(StandardCharsets.UTF_8);
        assertSame(rest, rewriter.chunk(rest));
    }

    @Test
    void refusesAValueLongerThanItsBound() {
        JsonStringRewriter rewriter = new JsonStringRewriter(List.of(List.of("pit_id")), (path, value) -> "x", 8);
        assertThrows(IllegalStateException.class,
                () -> rewriter.chunk("{\"pit_id\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anAnswerCutInsideAValueIsAnError() {
        JsonStringRewriter rewriter = rewriter();
        rewriter.chunk("{\"pit_id\":\"abc".getBytes(StandardCharsets.UTF_8));
        assertThrows(IllegalStateException.class, rewriter::end);
    }

    /** Random documents, random chunk boundaries: the result is what rewriting the parsed tree gives. */
    @Test
    void matchesATreeRewriteWhateverTheChunking() throws Exception {
        Random random = new Random(20261202);
        for (int round = 0; round < 2000; round++) {
            JsonNode document = randomObject(random, 0, true);
            byte[] bytes = MAPPER.writeValueAsBytes(document);
            JsonNode expected = document.deepCopy();
            rewriteTree(expected);
            String actual = run(rewriter(), bytes, random);
            assertEquals(expected, MAPPER.readTree(actual), () -> "document " + new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static void rewriteTree(JsonNode root) {
        ObjectNode object = (ObjectNode) root;
        for (String key : List.of("_scroll_id", "pit_id")) {
            if (object.path(key).isTextual()) {
                object.put(key, "<" + key + ":" + object.get(key).asText() + ">");
            }
        }
        if (object.path("responses").isArray()) {
            for (JsonNode response : object.get("responses")) {
                if (response.isObject() && response.path("pit_id").isTextual()) {
                    ((ObjectNode) response).put("pit_id", "<responses.*.pit_id:" + response.get("pit_id").asText() + ">");
                }
            }
        }
    }

    private static final String[] KEYS = {"_scroll_id", "pit_id", "responses", "hits", "a", "b\"q", "c\\\\d", "é"};

    private static JsonNode randomObject(Random random, int depth, boolean root) {
        ObjectNode object = MAPPER.createObjectNode();
        int fields = random.nextInt(root ? 6 : 4);
        for (int i = 0; i < fields; i++) {
            object.set(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth + 1));
        }
        return object;
    }

    private static JsonNode randomValue(Random random, int depth) {
        int kind = depth > 4 ? random.nextInt(4) : random.nextInt(6);
        return switch (kind) {
            case 0 -> MAPPER.getNodeFactory().textNode(randomText(random));
            case 1 -> MAPPER.getNodeFactory().numberNode(random.nextInt(1000) - 500);
            case 2 -> MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
            case 3 -> MAPPER.getNodeFactory().nullNode();
            case 4 -> randomObject(random, depth, false);
            default -> {
                ArrayNode array = MAPPER.createArrayNode();
                int size = random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    array.add(random.nextBoolean() ? randomObject(random, depth, false) : randomValue(random, depth + 1));
                }
                yield array;
            }
        };
    }

    private static String randomText(Random random) {
        String alphabet = "ab\"\\/{}[],: é\n\t";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(8);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
