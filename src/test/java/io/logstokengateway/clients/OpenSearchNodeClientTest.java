package io.logstokengateway.clients;

import com.fasterxml.jackson.databind.JsonNode;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official OpenSearch JavaScript client ({@code @opensearch-project/opensearch}, see
 * {@code src/test/node/clients/opensearch-client.mjs}), configured as its documentation shows
 * ({@code auth: {username: <token>, password: 'token'}}), through the gateway in front of a real OpenSearch 2.19.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class OpenSearchNodeClientTest extends NodeClientConformance {

    @Override
    String script() {
        return "opensearch-client.mjs";
    }

    @Override
    String username() {
        return "logs-nj-00081";
    }

    @Override
    String foreignIndex() {
        return "logs-nz-00082-i-secret";
    }

    @Override
    URI directUri() {
        return OpenSearchServer.get().uri();
    }

    @Override
    void index(String index, String id, String json) {
        OpenSearchServer.get().index(index, id, json);
    }

    @Test
    void infoAndPingReachTheCluster() {
        JsonNode info = succeeded("info");
        assertEquals("opensearch", info.path("distribution").asText());
        assertTrue(info.path("number").asText().startsWith("2.19"), info.toString());
        JsonNode ping = succeeded("ping");
        assertEquals(200, ping.path("statusCode").asInt());
        assertTrue(ping.path("alive").asBoolean());
    }
}
