package io.logstokengateway.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.NodeClients;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What both official JavaScript clients must get through the gateway (scripts in {@code src/test/node/clients}): a
 * subclass names the client's script, the server behind the gateway and its own service, and checks what only its
 * client does. The script runs once per class; each test checks one behaviour in what it observed.
 */
abstract class NodeClientConformance {

    static final String MARKER = "NODEMARKER";
    /** What each script observed, per test class (both classes run in one JVM). */
    private static final Map<Class<?>, JsonNode> OBSERVED = new ConcurrentHashMap<>();

    @Inject
    ProxyListeners listeners;

    /** The script to run, e.g. {@code opensearch-client.mjs}. */
    abstract String script();

    /** The service's username: the service is {@code ldp-<rest>}, its indices {@code <username>-i-*}. */
    abstract String username();

    /** Another tenant's index, holding a document with {@link Answers#FOREIGN_MARKER}. */
    abstract String foreignIndex();

    /** The server the gateway forwards to, for the script to compare with. */
    abstract URI directUri();

    /** Puts a document straight into the server. */
    abstract void index(String index, String id, String json);

    /** What only this client checks in an answer it accepted, such as a product header. */
    void checkAccepted(String step, JsonNode result) {
    }

    final String ownIndex() {
        return username() + "-i-node";
    }

    final String gzipIndex() {
        return username() + "-i-node-gzip";
    }

    final JsonNode observed() {
        return OBSERVED.get(getClass());
    }

    @BeforeEach
    void runTheClientOnce() {
        if (OBSERVED.containsKey(getClass())) {
            return;
        }
        NodeClients.install();
        index(foreignIndex(), "s1", "{\"message\":\"" + Answers.FOREIGN_MARKER + "\",\"level\":\"ERROR\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
        String service = "ldp-" + username().substring("logs-".length());
        Gateway.provision(service, username(), "Node-Client-Password-" + username(), Map.of());
        String token = Gateway.createToken(service, script())[1];
        OBSERVED.put(getClass(), NodeClients.run(script(), Map.of(
                "GATEWAY_URL", "http://127.0.0.1:" + listeners.searchPort(),
                "DIRECT_URL", directUri().toString(),
                "GATEWAY_TOKEN", token,
                "OWN_INDEX", ownIndex(),
                "OWN_INDEX_GZIP", gzipIndex(),
                "OWN_PATTERN", username() + "-i-*",
                "FOREIGN_INDEX", foreignIndex(),
                "MARKER", MARKER), token, Duration.ofMinutes(2)));
    }

    /** The step's observation, once the client reported it succeeded. */
    final JsonNode succeeded(String step) {
        JsonNode result = observed().path(step);
        assertTrue(result.path("ok").asBoolean(), () -> step + ": " + result);
        assertFalse(result.toString().contains(Answers.FOREIGN_MARKER), () -> "another tenant's data leaked: " + result);
        checkAccepted(step, result);
        return result;
    }

    /** The error the client raised for the step, once it did raise one. */
    final JsonNode failed(String step) {
        JsonNode result = observed().path(step);
        assertFalse(result.path("ok").asBoolean(true), () -> step + " should have failed: " + result);
        assertFalse(result.toString().contains(Answers.FOREIGN_MARKER), () -> "another tenant's data leaked: " + result);
        return result.path("error");
    }

    static List<String> toList(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void clusterHealthIsReadable() {
        JsonNode health = succeeded("clusterHealth");
        assertEquals(200, health.path("statusCode").asInt());
        assertNotEquals("red", health.path("status").asText());
    }

    @Test
    void indexExistsAnswersWithTheStatusOfAHead() {
        JsonNode before = succeeded("existsBeforeWrite");
        assertEquals(404, before.path("statusCode").asInt());
        assertFalse(before.path("exists").asBoolean());
        JsonNode after = succeeded("existsAfterWrite");
        assertEquals(200, after.path("statusCode").asInt());
        assertTrue(after.path("exists").asBoolean());
    }

    @Test
    void bulkApiAndBulkHelperWriteIntoTheServicesIndex() {
        JsonNode bulk = succeeded("bulk");
        assertFalse(bulk.path("errors").asBoolean(true), bulk.toString());
        assertEquals(5, bulk.path("items").asInt());
        JsonNode helper = succeeded("helpersBulk");
        assertEquals(5, helper.path("total").asInt());
        assertEquals(5, helper.path("successful").asInt());
        assertEquals(0, helper.path("failed").asInt());
        assertEquals(200, succeeded("refresh").path("statusCode").asInt());
    }

    @Test
    void searchAndCountSeeWhatWasWritten() {
        JsonNode search = succeeded("search");
        assertEquals(5, search.path("total").asInt());
        assertEquals(List.of(ownIndex()), toList(search.path("indices")));
        assertEquals(MARKER + " helper 9", search.path("first").asText());
        assertEquals(10, succeeded("count").path("count").asInt());
        assertEquals(10, succeeded("countOverPattern").path("count").asInt(), "the pattern spans only the service's indices");
    }

    @Test
    void multiSearchAnswersEachSearchWithOnlyTheServicesIndices() {
        JsonNode msearch = succeeded("msearch");
        JsonNode responses = msearch.path("responses");
        assertEquals(3, responses.size(), msearch.toString());
        for (JsonNode response : responses) {
            assertEquals(200, response.path("status").asInt(), response.toString());
            for (String index : toList(response.path("indices"))) {
                assertTrue(index.startsWith(username() + "-i-"), index);
            }
        }
        assertEquals(10, responses.get(0).path("total").asInt());
        assertEquals(5, responses.get(1).path("total").asInt(), responses.get(1).toString());
        assertEquals(10, responses.get(2).path("total").asInt(), "the index-less search reads the service's indices only");
    }

    @Test
    void scrollHelperPagesThroughTheServicesIndexAndTheScrollIsCleared() {
        JsonNode scroll = succeeded("scrollHelper");
        assertEquals(10, scroll.path("documents").asInt(), scroll.toString());
        assertEquals(4, scroll.path("pages").asInt(), "10 documents, 3 a page");
        assertEquals(List.of(ownIndex()), toList(scroll.path("indices")));
        JsonNode cleared = succeeded("clearScroll");
        assertEquals(200, cleared.path("statusCode").asInt());
        assertTrue(cleared.path("succeeded").asBoolean(), cleared.toString());
        assertEquals(1, cleared.path("freed").asInt());
    }

    /** How Kibana and Dashboards page through results. */
    @Test
    void searchInAPointInTimeOfTheServicesIndex() {
        JsonNode pit = succeeded("pointInTime");
        assertEquals(200, pit.path("statusCode").asInt());
        assertEquals(10, pit.path("total").asInt(), pit.toString());
        assertEquals(List.of(ownIndex()), toList(pit.path("indices")));
        assertEquals(200, pit.path("closedStatusCode").asInt());
        assertTrue(pit.path("closed").asBoolean(), pit.toString());
    }

    @Test
    void gzipRequestBodiesAndGzipAnswersPassThrough() {
        JsonNode bulk = succeeded("gzipBulk");
        assertEquals("gzip", bulk.path("contentEncoding").asText(), "the client compressed the bulk body");
        assertFalse(bulk.path("errors").asBoolean(true), bulk.toString());
        assertEquals(5, bulk.path("items").asInt());
        JsonNode search = succeeded("gzipSearch");
        assertEquals("gzip", search.path("contentEncoding").asText(), "the client compressed the search body");
        assertEquals("gzip", search.path("responseEncoding").asText(), "the server's gzip answer reached the client");
        assertEquals(5, search.path("total").asInt());
        assertEquals(List.of(gzipIndex()), toList(search.path("indices")));
    }

    @Test
    void anotherTenantsIndexIsRefusedAsAResponseError() {
        for (String step : List.of("foreignSearch", "foreignBulk", "foreignExists")) {
            JsonNode refused = failed(step);
            assertEquals("ResponseError", refused.path("name").asText(), step + " (a refused HEAD is an error, not a false)");
            assertEquals(403, refused.path("statusCode").asInt(), step);
        }
        for (String step : List.of("foreignSearch", "foreignBulk")) {
            assertEquals("security_exception", failed(step).path("type").asText(), step);
        }
    }

    @Test
    void wrongTokenIsRefusedAsAResponseError() {
        JsonNode refused = failed("wrongToken");
        assertEquals("ResponseError", refused.path("name").asText());
        assertEquals(401, refused.path("statusCode").asInt());
        assertEquals("security_exception", refused.path("type").asText());
    }
}
