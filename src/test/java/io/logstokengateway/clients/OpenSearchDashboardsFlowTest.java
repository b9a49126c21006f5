package io.logstokengateway.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.e2e.Http;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What OpenSearch Dashboards (and Kibana 7.10, its fork point) sends, with {@code opensearchDashboards.index:
 * <username>-i-kibana}, replayed with a gateway token: the startup version polling ({@code _nodes?filter_path=...}),
 * {@code GET /}, {@code _cluster/settings}, {@code _xpack} (passed through as OpenSearch answers it), the saved-objects
 * migrator ({@code src/core/server/saved_objects/migrations/core/opensearch_index.ts}: {@code GET /<index>},
 * {@code PUT /<index>_1}, {@code GET /_alias/<index>}, {@code POST /_aliases}, scroll reads, {@code _bulk} writes),
 * the saved-objects repository ({@code _create}, {@code _doc}, {@code _update}, {@code _search} on the index) and
 * Discover ({@code _field_caps} on the index pattern, {@code _search} with {@code track_total_hits}).
 *
 * <p>The migrator points the configured name at {@code <index>_N} through {@code POST /_aliases}: the gateway lets a
 * service manage aliases whose names and indices lie within its write patterns, so Dashboards runs with its default
 * migration settings.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class OpenSearchDashboardsFlowTest {

    static final String SERVICE = "ldp-od-00071";
    static final String USER = "logs-od-00071";
    static final String KIBANA_INDEX = USER + "-i-kibana";
    static final String MIGRATED_INDEX = USER + "-i-kibanamig";
    static final String DATA_INDEX = USER + "-i-app";
    static final String FOREIGN_INDEX = "logs-oe-00072-i-app";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SAVED_OBJECTS_MAPPINGS = "{\"mappings\":{\"dynamic\":\"strict\",\"properties\":{"
            + "\"type\":{\"type\":\"keyword\"},\"namespace\":{\"type\":\"keyword\"},\"namespaces\":{\"type\":\"keyword\"},"
            + "\"originId\":{\"type\":\"keyword\"},\"updated_at\":{\"type\":\"date\"},"
            + "\"references\":{\"type\":\"nested\",\"properties\":{\"name\":{\"type\":\"keyword\"},\"type\":{\"type\":\"keyword\"},\"id\":{\"type\":\"keyword\"}}},"
            + "\"migrationVersion\":{\"dynamic\":\"true\",\"type\":\"object\"},"
            + "\"config\":{\"dynamic\":\"false\",\"properties\":{\"buildNum\":{\"type\":\"keyword\"}}},"
            + "\"index-pattern\":{\"dynamic\":\"false\",\"properties\":{\"title\":{\"type\":\"text\"},\"type\":{\"type\":\"keyword\"}}}}},"
            + "\"settings\":{\"number_of_shards\":1,\"auto_expand_replicas\":\"0-1\"}}";

    static String authorization;

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void setUpOnce() {
        if (authorization != null) {
            return;
        }
        OpenSearchServer os = OpenSearchServer.get();
        String mapping = "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},\"mappings\":{\"properties\":{"
                + "\"@timestamp\":{\"type\":\"date\"},\"message\":{\"type\":\"text\"},\"level\":{\"type\":\"keyword\"}}}}";
        for (String index : new String[] {DATA_INDEX, FOREIGN_INDEX}) {
            assertEquals(200, os.request("PUT", "/" + index, mapping).statusCode());
        }
        for (int i = 0; i < 30; i++) {
            os.index(DATA_INDEX, "d" + i, "{\"@timestamp\":\"" + Instant.parse("2026-11-28T10:00:00Z").plusSeconds(i * 10L)
                    + "\",\"message\":\"DASHMARKER " + i + "\",\"level\":\"" + (i % 3 == 0 ? "ERROR" : "INFO") + "\"}");
        }
        os.index(FOREIGN_INDEX, "x0", "{\"@timestamp\":\"2026-11-28T10:00:00Z\",\"message\":\"" + Answers.FOREIGN_MARKER + "\",\"level\":\"INFO\"}");
        Gateway.catalogCaughtUp();
        Gateway.provision(SERVICE, USER, "Dashboards-Tenant-Password-1", Map.of());
        authorization = basic(Gateway.createToken(SERVICE, "dashboards")[1], "token");
    }

    // --- startup -------------------------------------------------------------------------------------------

    /** {@code ensureOpenSearchVersion}: {@code nodes.info} with {@code filter_path} as the JS client joins it. */
    @Test
    void nodeVersionPolling() throws Exception {
        JsonNode nodes = ok(send("GET", "/_nodes?filter_path=nodes.*.version%2Cnodes.*.http.publish_address%2Cnodes.*.ip", null));
        assertTrue(nodes.path("nodes").size() >= 1, nodes.toString());
        JsonNode node = nodes.path("nodes").elements().next();
        assertTrue(node.path("version").isTextual() && node.path("ip").isTextual(), node.toString());
        assertTrue(node.path("http").path("publish_address").isTextual(), node.toString());
    }

    @Test
    void rootAndClusterSettingsPassThrough() throws Exception {
        assertEquals("opensearch", ok(send("GET", "/", null)).path("version").path("distribution").asText());
        JsonNode settings = ok(send("GET", "/_cluster/settings", null));
        assertTrue(settings.has("persistent") && settings.has("transient"), settings.toString());
    }

    /** Kibana's licensing plugin asks {@code _xpack}; OpenSearch's answer must reach it unaltered. */
    @Test
    void xpackAnswersAsOpenSearchDoes() {
        for (String path : new String[] {"/_xpack", "/_xpack?accept_enterprise=true"}) {
            HttpResponse<String> direct = OpenSearchServer.get().request("GET", path, null);
            HttpResponse<String> through = send("GET", path, null);
            assertEquals(direct.statusCode(), through.statusCode(), through.body());
            assertEquals(direct.body(), through.body());
            assertTrue(direct.statusCode() >= 400, "OpenSearch has no _xpack: " + direct.statusCode());
        }
    }

    // --- saved-objects migrator (Kibana 7.10 / Dashboards "v1" algorithm) ------------------------------------

    /**
     * The first start with the default settings creates {@code <index>_1} and points the configured name at it
     * (claimAlias: {@code GET /_alias/<index>}, {@code POST /_aliases}, refresh); an upgrade later copies the
     * documents into {@code <index>_2} (a scroll over the alias, {@code _bulk} into the new index) and moves the alias.
     */
    @Test
    void migratorPointsTheConfiguredNameAtItsIndex() throws Exception {
        assertEquals(404, send("GET", "/" + MIGRATED_INDEX, null).statusCode());
        ok(send("PUT", "/" + MIGRATED_INDEX + "_1", SAVED_OBJECTS_MAPPINGS));
        assertEquals(404, send("GET", "/_alias/" + MIGRATED_INDEX, null).statusCode());
        ok(send("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + MIGRATED_INDEX + "_1\",\"alias\":\"" + MIGRATED_INDEX + "\"}}]}"));
        ok(send("POST", "/" + MIGRATED_INDEX + "_1/_refresh", null));
        // the repository then writes through the configured name
        HttpResponse<String> created = send("PUT", "/" + MIGRATED_INDEX + "/_create/config%3A2.19.1?refresh=wait_for",
                "{\"config\":{\"buildNum\":\"8467\"},\"type\":\"config\",\"references\":[],\"migrationVersion\":{},"
                        + "\"updated_at\":\"2026-11-28T10:00:00.000Z\"}");
        assertEquals(201, created.statusCode(), created.body());

        // an upgrade: fetchInfo on the name finds <index>_1, the documents move to <index>_2, the alias follows
        JsonNode info = ok(send("GET", "/" + MIGRATED_INDEX, null));
        assertTrue(info.has(MIGRATED_INDEX + "_1"), info.toString());
        ok(send("PUT", "/" + MIGRATED_INDEX + "_2", SAVED_OBJECTS_MAPPINGS));
        JsonNode batch = ok(send("POST", "/" + MIGRATED_INDEX + "/_search?scroll=15m", "{\"size\":100}"));
        assertEquals(1, batch.path("hits").path("hits").size(), batch.toString());
        ok(send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + batch.path("_scroll_id").asText() + "\"}"));
        JsonNode written = ok(send("POST", "/_bulk", "{\"index\":{\"_id\":\"config:2.19.1\",\"_index\":\"" + MIGRATED_INDEX + "_2\"}}\n"
                + batch.path("hits").path("hits").get(0).path("_source") + "\n"));
        assertFalse(written.path("errors").asBoolean(), written.toString());
        JsonNode current = ok(send("GET", "/_alias/" + MIGRATED_INDEX, null));
        assertEquals(List.of(MIGRATED_INDEX + "_1"), names(current), current.toString());
        ok(send("POST", "/_aliases", "{\"actions\":[{\"remove\":{\"index\":\"" + MIGRATED_INDEX + "_1\",\"alias\":\"" + MIGRATED_INDEX + "\"}},"
                + "{\"add\":{\"index\":\"" + MIGRATED_INDEX + "_2\",\"alias\":\"" + MIGRATED_INDEX + "\"}}]}"));
        ok(send("POST", "/" + MIGRATED_INDEX + "_2/_refresh", null));
        JsonNode moved = ok(send("GET", "/_alias/" + MIGRATED_INDEX, null));
        assertEquals(List.of(MIGRATED_INDEX + "_2"), names(moved), moved.toString());
        JsonNode config = ok(send("GET", "/" + MIGRATED_INDEX + "/_doc/config%3A2.19.1", null));
        assertEquals(MIGRATED_INDEX + "_2", config.path("_index").asText(), config.toString());
    }

    /** Dashboards' alias, named outside the service's write patterns, is refused and nothing is created. */
    @Test
    void aliasOutsideTheServicesNamesIsRefused() {
        HttpResponse<String> refused = send("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + KIBANA_INDEX
                + "\",\"alias\":\".opensearch_dashboards\"}}]}");
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals(404, OpenSearchServer.get().request("GET", "/_alias/.opensearch_dashboards", null).statusCode());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The saved-objects repository's calls on the configured index (here a concrete index). */
    @Test
    void savedObjectsInTheConfiguredIndex() throws Exception {
        ok(send("PUT", "/" + KIBANA_INDEX, SAVED_OBJECTS_MAPPINGS));
        JsonNode info = ok(send("GET", "/" + KIBANA_INDEX, null));
        assertEquals("strict", info.path(KIBANA_INDEX).path("mappings").path("dynamic").asText(), info.toString());
        ok(send("PUT", "/" + KIBANA_INDEX + "/_mapping", "{\"properties\":{\"dashboard\":{\"dynamic\":\"false\","
                + "\"properties\":{\"title\":{\"type\":\"text\"}}}}}"));

        assertEquals(404, send("GET", "/" + KIBANA_INDEX + "/_doc/config%3A2.19.1", null).statusCode());
        HttpResponse<String> created = send("PUT", "/" + KIBANA_INDEX + "/_create/config%3A2.19.1?refresh=wait_for",
                "{\"config\":{\"buildNum\":\"8467\"},\"type\":\"config\",\"references\":[],\"migrationVersion\":{},"
                        + "\"updated_at\":\"2026-11-28T10:00:00.000Z\"}");
        assertEquals(201, created.statusCode(), created.body());
        ok(send("PUT", "/" + KIBANA_INDEX + "/_doc/index-pattern%3Ap1?refresh=wait_for",
                "{\"index-pattern\":{\"title\":\"" + USER + "-i-*\",\"timeFieldName\":\"@timestamp\"},\"type\":\"index-pattern\","
                        + "\"references\":[],\"updated_at\":\"2026-11-28T10:00:00.000Z\"}"));
        ok(send("POST", "/" + KIBANA_INDEX + "/_update/config%3A2.19.1?refresh=wait_for",
                "{\"doc\":{\"config\":{\"buildNum\":\"8468\"},\"updated_at\":\"2026-11-28T10:01:00.000Z\"}}"));
        JsonNode config = ok(send("GET", "/" + KIBANA_INDEX + "/_doc/config%3A2.19.1", null));
        assertEquals("8468", config.path("_source").path("config").path("buildNum").asText(), config.toString());

        // find: a bool query on type, namespaces absent, sorted by type, with seq_no_primary_term
        JsonNode found = ok(send("POST", "/" + KIBANA_INDEX + "/_search?ignore_unavailable=true&track_total_hits=true"
                + "&seq_no_primary_term=true&rest_total_hits_as_int=true&from=0&size=20",
                "{\"query\":{\"bool\":{\"filter\":[{\"bool\":{\"should\":[{\"bool\":{\"must\":[{\"term\":{\"type\":\"index-pattern\"}}],"
                        + "\"must_not\":[{\"exists\":{\"field\":\"namespaces\"}}]}}],\"minimum_should_match\":1}}]}},"
                        + "\"sort\":[{\"type\":{\"order\":\"asc\",\"unmapped_type\":\"keyword\"}}]}"));
        assertEquals(1, found.path("hits").path("total").asInt(), found.toString());

        // the migrator's reader: a scroll over the index, then clearing it
        JsonNode first = ok(send("POST", "/" + KIBANA_INDEX + "/_search?scroll=15m", "{\"size\":1}"));
        String scrollId = first.path("_scroll_id").asText();
        JsonNode next = ok(send("POST", "/_search/scroll", "{\"scroll\":\"15m\",\"scroll_id\":\"" + scrollId + "\"}"));
        assertEquals(1, next.path("hits").path("hits").size(), next.toString());
        ok(send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scrollId + "\"}"));

        // the migrator's writer: _bulk with _index in each action
        JsonNode bulk = ok(send("POST", "/_bulk?refresh=wait_for", "{\"index\":{\"_id\":\"dashboard:b1\",\"_index\":\"" + KIBANA_INDEX
                + "\"}}\n{\"dashboard\":{\"title\":\"Errors\"},\"type\":\"dashboard\",\"references\":[]}\n"));
        assertFalse(bulk.path("errors").asBoolean(), bulk.toString());
    }

    // --- Discover ---------------------------------------------------------------------------------------------

    @Test
    void discoverOnTheIndexPattern() throws Exception {
        JsonNode caps = ok(send("GET", "/" + USER + "-i-*/_field_caps?fields=*&ignore_unavailable=true&allow_no_indices=false", null));
        assertEquals("date", caps.path("fields").path("@timestamp").path("date").path("type").asText(), caps.toString());

        String body = "{\"sort\":[{\"@timestamp\":{\"order\":\"desc\",\"unmapped_type\":\"boolean\"}}],\"size\":500,"
                + "\"version\":true,\"aggs\":{\"2\":{\"date_histogram\":{\"field\":\"@timestamp\",\"fixed_interval\":\"30s\","
                + "\"time_zone\":\"UTC\",\"min_doc_count\":1}}},\"stored_fields\":[\"*\"],\"script_fields\":{},"
                + "\"docvalue_fields\":[{\"field\":\"@timestamp\",\"format\":\"date_time\"}],\"_source\":{\"excludes\":[]},"
                + "\"query\":{\"bool\":{\"must\":[],\"filter\":[{\"match_all\":{}},{\"range\":{\"@timestamp\":{\"gte\":"
                + "\"2026-11-28T09:00:00.000Z\",\"lte\":\"2026-11-28T11:00:00.000Z\",\"format\":\"strict_date_optional_time\"}}}],"
                + "\"should\":[],\"must_not\":[]}},\"highlight\":{\"pre_tags\":[\"@opensearch-dashboards-highlighted-field@\"],"
                + "\"post_tags\":[\"@/opensearch-dashboards-highlighted-field@\"],\"fields\":{\"*\":{}},\"fragment_size\":2147483647}}";
        JsonNode hits = ok(send("POST", "/" + USER + "-i-*/_search?ignore_unavailable=true&track_total_hits=true"
                + "&preference=1764324000000&rest_total_hits_as_int=true&ignore_throttled=true", body));
        assertEquals(30, hits.path("hits").path("total").asInt(), hits.toString());
        assertEquals(10, hits.path("aggregations").path("2").path("buckets").size(), hits.toString());
    }

    @Test
    void anotherTenantsIndexIsRefused() {
        assertEquals(403, send("GET", "/" + FOREIGN_INDEX + "/_field_caps?fields=*", null).statusCode());
        assertEquals(403, send("PUT", "/logs-oe-00072-i-kibana", SAVED_OBJECTS_MAPPINGS).statusCode());
    }

    // --- HTTP ---------------------------------------------------------------------------------------------------

    private HttpResponse<String> send(String method, String pathAndQuery, String body) {
        HttpRequest.Builder request = Http.request(listeners.searchPort(), pathAndQuery).header("Authorization", authorization)
                .header("User-Agent", "opensearch-js/1.1.0 (linux; Node.js v18)").header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", pathAndQuery.contains("_bulk") ? "application/x-ndjson" : "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return Http.send(request.build());
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        return Answers.ok(response, FOREIGN_INDEX, 200, 201);
    }
}
