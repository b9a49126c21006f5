package io.logstokengateway.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.ElasticsearchServer;
import io.logstokengateway.testsupport.ElasticsearchUpstream;
import io.logstokengateway.testsupport.NodeClients;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official Elasticsearch JavaScript client 8 ({@code @elastic/elasticsearch}, the client Kibana uses; see
 * {@code src/test/node/clients/elasticsearch-client.mjs}), configured as its documentation shows
 * ({@code auth: {username: <token>, password: 'token'}}), through the gateway in front of a real Elasticsearch 8.17.
 * This client refuses any successful answer without {@code X-Elastic-Product: Elasticsearch}
 * ({@code ProductNotSupportedError}) and sends its {@code compatible-with=8} media types. The script runs once; each
 * test checks one behaviour in what it observed.
 */
@QuarkusTest
@TestProfile(ElasticsearchUpstream.class)
class ElasticsearchNodeClientTest {

    static final String SERVICE = "ldp-ne-00091";
    static final String USER = "logs-ne-00091";
    static final String INDEX = USER + "-i-node";
    static final String GZIP_INDEX = USER + "-i-node-gzip";
    static final String FOREIGN_INDEX = "logs-ez-00092-i-secret";
    static final String MARKER = "NODEMARKER";
    static final String PRODUCT = "Elasticsearch";

    static JsonNode observed;

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void runTheClientOnce() {
        if (observed != null) {
            return;
        }
        NodeClients.install();
        ElasticsearchServer.get().index(FOREIGN_INDEX, "s1",
                "{\"message\":\"" + Answers.FOREIGN_MARKER + "\",\"level\":\"ERROR\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
        Gateway.provision(SERVICE, USER, "Node-Client-Password-2", Map.of());
        String token = Gateway.createToken(SERVICE, "elasticsearch-js")[1];
        observed = NodeClients.run("elasticsearch-client.mjs", Map.of(
                "GATEWAY_URL", "http://127.0.0.1:" + listeners.searchPort(),
                "DIRECT_URL", ElasticsearchServer.get().uri().toString(),
                "GATEWAY_TOKEN", token,
                "OWN_INDEX", INDEX,
                "OWN_INDEX_GZIP", GZIP_INDEX,
                "OWN_PATTERN", USER + "-i-*",
                "FOREIGN_INDEX", FOREIGN_INDEX,
                "MARKER", MARKER), token, Duration.ofMinutes(2));
    }

    /** The step's observation, once the client reported it succeeded on an answer that passed its product check. */
    private static JsonNode succeeded(String step) {
        JsonNode result = observed.path(step);
        assertTrue(result.path("ok").asBoolean(), () -> step + ": " + result);
        assertFalse(result.toString().contains(Answers.FOREIGN_MARKER), () -> "another tenant's data leaked: " + result);
        if (result.has("statusCode")) {
            assertEquals(PRODUCT, result.path("product").asText(), () -> step + ": " + result);
        }
        return result;
    }

    /** The error the client raised for the step, once it did raise one. */
    private static JsonNode failed(String step) {
        JsonNode result = observed.path(step);
        assertFalse(result.path("ok").asBoolean(true), () -> step + " should have failed: " + result);
        assertFalse(result.toString().contains(Answers.FOREIGN_MARKER), () -> "another tenant's data leaked: " + result);
        return result.path("error");
    }

    private static List<String> toList(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /**
     * The integ-test distribution has no {@code GET /} (its rest-root module is absent), so {@code info()} and
     * {@code ping()} fail even without the gateway; through it they must fail the same way, not in a way of its own.
     */
    @Test
    void infoAndPingAnswerAsElasticsearchItselfDoes() {
        for (String call : List.of("info", "ping")) {
            JsonNode direct = observed.path(call + "Direct");
            JsonNode proxied = observed.path(call);
            assertEquals(direct.path("ok").asBoolean(), proxied.path("ok").asBoolean(), () -> direct + " vs " + proxied);
            if (direct.path("ok").asBoolean()) {
                succeeded(call);
                assertEquals(direct.path("number").asText(), proxied.path("number").asText());
                assertEquals(direct.path("alive").asText(), proxied.path("alive").asText());
            } else {
                assertEquals(direct.path("error").path("name").asText(), proxied.path("error").path("name").asText(), proxied::toString);
                assertEquals(direct.path("error").path("statusCode").asInt(), proxied.path("error").path("statusCode").asInt(),
                        proxied::toString);
            }
        }
    }

    @Test
    void clusterHealthPassesTheProductCheck() {
        JsonNode health = succeeded("clusterHealth");
        assertEquals(200, health.path("statusCode").asInt());
        assertNotEquals("red", health.path("status").asText());
        assertTrue(health.path("accept").asText().startsWith("application/vnd.elasticsearch+json; compatible-with=8"), health::toString);
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
        assertEquals("application/vnd.elasticsearch+x-ndjson; compatible-with=8", bulk.path("contentType").asText());
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
        assertEquals("application/vnd.elasticsearch+json; compatible-with=8", search.path("contentType").asText());
        assertEquals(5, search.path("total").asInt());
        assertEquals(List.of(INDEX), toList(search.path("indices")));
        assertEquals(MARKER + " helper 9", search.path("first").asText());
        assertEquals(10, succeeded("count").path("count").asInt());
        assertEquals(10, succeeded("countOverPattern").path("count").asInt(), "the pattern spans only the service's indices");
    }

    @Test
    void multiSearchAnswersEachSearchWithOnlyTheServicesIndices() {
        JsonNode msearch = succeeded("msearch");
        assertEquals("application/vnd.elasticsearch+x-ndjson; compatible-with=8", msearch.path("contentType").asText());
        JsonNode responses = msearch.path("responses");
        assertEquals(3, responses.size(), msearch.toString());
        for (JsonNode response : responses) {
            assertEquals(200, response.path("status").asInt(), response.toString());
            for (String index : toList(response.path("indices"))) {
                assertTrue(index.startsWith(USER + "-i-"), index);
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
        assertEquals(List.of(INDEX), toList(scroll.path("indices")));
        JsonNode cleared = succeeded("clearScroll");
        assertEquals(200, cleared.path("statusCode").asInt());
        assertTrue(cleared.path("succeeded").asBoolean(), cleared.toString());
        assertEquals(1, cleared.path("freed").asInt());
    }

    @Test
    void searchInAPointInTimeOfTheServicesIndex() {
        JsonNode pit = succeeded("pointInTime");
        assertEquals(PRODUCT, pit.path("openProduct").asText(), pit.toString());
        assertEquals(200, pit.path("statusCode").asInt());
        assertEquals(10, pit.path("total").asInt(), pit.toString());
        assertEquals(List.of(INDEX), toList(pit.path("indices")));
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
        assertEquals("gzip", search.path("responseEncoding").asText(), "Elasticsearch's gzip answer reached the client");
        assertEquals(5, search.path("total").asInt());
        assertEquals(List.of(GZIP_INDEX), toList(search.path("indices")));
    }

    @Test
    void anotherTenantsIndexIsRefusedAsAResponseError() {
        for (String step : List.of("foreignSearch", "foreignBulk")) {
            JsonNode refused = failed(step);
            assertEquals("ResponseError", refused.path("name").asText(), step);
            assertEquals(403, refused.path("statusCode").asInt(), step);
            assertEquals("security_exception", refused.path("type").asText(), step);
        }
        JsonNode exists = failed("foreignExists");
        assertEquals("ResponseError", exists.path("name").asText(), "a refused HEAD is an error, not a false");
        assertEquals(403, exists.path("statusCode").asInt());
    }

    @Test
    void wrongTokenIsRefusedAsAResponseError() {
        JsonNode refused = failed("wrongToken");
        assertEquals("ResponseError", refused.path("name").asText());
        assertEquals(401, refused.path("statusCode").asInt());
        assertEquals("security_exception", refused.path("type").asText());
    }
}
