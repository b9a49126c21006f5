package io.logstokengateway.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.logstokengateway.testsupport.ElasticsearchServer;
import io.logstokengateway.testsupport.ElasticsearchUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The official Elasticsearch JavaScript client 8 ({@code @elastic/elasticsearch}, the client Kibana uses; see
 * {@code src/test/node/clients/elasticsearch-client.mjs}), configured as its documentation shows
 * ({@code auth: {username: <token>, password: 'token'}}), through the gateway in front of a real Elasticsearch 8.17.
 * This client refuses any successful answer without {@code X-Elastic-Product: Elasticsearch}
 * ({@code ProductNotSupportedError}) and sends its {@code compatible-with=8} media types.
 */
@QuarkusTest
@TestProfile(ElasticsearchUpstream.class)
class ElasticsearchNodeClientTest extends NodeClientConformance {

    static final String PRODUCT = "Elasticsearch";
    static final String JSON = "application/vnd.elasticsearch+json; compatible-with=8";
    static final String NDJSON = "application/vnd.elasticsearch+x-ndjson; compatible-with=8";
    /** The media type the client sent in each step, as the request header it was sent in. */
    static final Map<String, List<String>> SENT = Map.of(
            "clusterHealth", List.of("accept", JSON),
            "bulk", List.of("contentType", NDJSON),
            "search", List.of("contentType", JSON),
            "msearch", List.of("contentType", NDJSON));

    @Override
    String script() {
        return "elasticsearch-client.mjs";
    }

    @Override
    String username() {
        return "logs-ne-00091";
    }

    @Override
    String foreignIndex() {
        return "logs-ez-00092-i-secret";
    }

    @Override
    URI directUri() {
        return ElasticsearchServer.get().uri();
    }

    @Override
    void index(String index, String id, String json) {
        ElasticsearchServer.get().index(index, id, json);
    }

    /** Every answer the client accepted passed its product check, and went out with its compatible media types. */
    @Override
    void checkAccepted(String step, JsonNode result) {
        if (result.has("statusCode")) {
            assertEquals(PRODUCT, result.path("product").asText(), () -> step + ": " + result);
        }
        if (result.has("openProduct")) {
            assertEquals(PRODUCT, result.path("openProduct").asText(), () -> step + ": " + result);
        }
        List<String> sent = SENT.get(step);
        if (sent != null) {
            assertEquals(sent.get(1), result.path(sent.get(0)).asText().split(",")[0].trim(), () -> step + ": " + result);
        }
    }

    /**
     * The integ-test distribution has no {@code GET /} (its rest-root module is absent), so {@code info()} and
     * {@code ping()} fail even without the gateway; through it they must fail the same way, not in a way of its own.
     */
    @Test
    void infoAndPingAnswerAsElasticsearchItselfDoes() {
        for (String call : List.of("info", "ping")) {
            JsonNode direct = observed().path(call + "Direct");
            JsonNode proxied = observed().path(call);
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
}
