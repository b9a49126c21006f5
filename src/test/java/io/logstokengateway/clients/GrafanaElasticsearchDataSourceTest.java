package io.logstokengateway.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.e2e.Http;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays, with a gateway token as Basic {@code <token>:token}, the HTTP requests Grafana's Elasticsearch data source
 * sends (backend {@code pkg/tsdb/elasticsearch}: client, health check, resource calls; frontend data source:
 * version detection, {@code _mapping} field discovery, {@code _msearch} headers whose {@code index} is a string or,
 * for an interval index pattern, an array). The shapes follow Grafana's own request fixtures: a {@code bool.filter}
 * {@code range} on the time field in {@code epoch_millis}, a {@code date_histogram} with {@code fixed_interval},
 * {@code min_doc_count: 0} and {@code extended_bounds}, {@code terms} ordered by {@code _key}, and the logs query
 * with {@code size}, {@code sort} on the time field then {@code _doc}, {@code highlight} and {@code fields}.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class GrafanaElasticsearchDataSourceTest {

    static final String SERVICE = "ldp-gf-00042";
    static final String USER = "logs-gf-00042";
    static final String INDEX = USER + "-i-app";
    static final String SECOND_INDEX = USER + "-i-web";
    static final String ALIAS = USER + "-a-all";
    /** Another tenant's index on the same cluster: never to appear in an answer. */
    static final String FOREIGN_INDEX = "logs-gz-00043-i-app";
    static final String TIME_FIELD = "timestamp";
    static final long FROM = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    static final long TO = Instant.parse("2026-11-28T10:10:00Z").toEpochMilli();
    static final ObjectMapper JSON = new ObjectMapper();

    static String authorization;

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void setUpOnce() {
        if (authorization != null) {
            return;
        }
        for (String index : List.of(INDEX, SECOND_INDEX, FOREIGN_INDEX)) {
            LogIndices.create(index, 1, TIME_FIELD);
        }
        // Twelve documents over ten minutes in the tenant's index, ERROR every third one; one in its second index.
        for (int i = 0; i < 12; i++) {
            LogIndices.line(INDEX, "g" + i, TIME_FIELD, FROM + i * 50_000L, i % 3 == 0 ? "ERROR" : "INFO", "GFMARKER line " + i, i * 10);
        }
        LogIndices.line(SECOND_INDEX, "w0", TIME_FIELD, FROM + 1000, "WARN", "GFMARKER web", 5);
        LogIndices.line(FOREIGN_INDEX, "x0", TIME_FIELD, FROM + 1000, "INFO", Answers.FOREIGN_MARKER, 1);
        LogIndices.alias(USER + "-i-*", ALIAS);
        Gateway.catalogCaughtUp();
        Gateway.provision(SERVICE, USER, "Grafana-Tenant-Password-1", Map.of());
        authorization = basic(Gateway.createToken(SERVICE, "grafana")[1], "token");
    }

    // --- version detection and "Save & test" -------------------------------------------------------------

    @Test
    void versionDetectionReadsTheRoot() throws Exception {
        JsonNode root = ok(get("/"));
        assertTrue(root.path("version").path("number").isTextual(), root.toString());
        assertEquals("opensearch", root.path("version").path("distribution").asText(), root.toString());
    }

    @Test
    void healthCheckWaitsForYellow() throws Exception {
        JsonNode health = ok(get("/_cluster/health?wait_for_status=yellow"));
        assertNotEquals("red", health.path("status").asText(), health.toString());
        assertFalse(health.path("timed_out").asBoolean(), health.toString());
    }

    /** The test checks the configured index has a date field named like the configured time field. */
    @Test
    void saveAndTestFindsTheTimeFieldOnTheAlias() throws Exception {
        JsonNode caps = ok(get("/" + ALIAS + "/_field_caps?fields=" + TIME_FIELD));
        assertEquals("date", caps.path("fields").path(TIME_FIELD).path("date").path("type").asText(), caps.toString());

        JsonNode mapping = ok(get("/" + ALIAS + "/_mapping"));
        assertEquals("date", mapping.path(INDEX).path("mappings").path("properties").path(TIME_FIELD).path("type").asText(),
                mapping.toString());
    }

    // --- field discovery ----------------------------------------------------------------------------------

    @Test
    void mappingOnTheIndexPatternListsTheTenantsIndicesOnly() throws Exception {
        JsonNode mapping = ok(get("/" + USER + "-i-*/_mapping"));
        assertTrue(mapping.has(INDEX) && mapping.has(SECOND_INDEX), mapping.toString());
        assertEquals(2, mapping.size(), mapping.toString());
        assertEquals("keyword", mapping.path(INDEX).path("mappings").path("properties").path("level").path("type").asText());
    }

    @Test
    void fieldCapsOfEveryField() throws Exception {
        for (String path : List.of("/" + ALIAS + "/_field_caps?fields=*", "/" + USER + "-i-*/_field_caps?fields=*",
                "/_field_caps?fields=*")) {
            JsonNode caps = ok(get(path));
            assertEquals("keyword", caps.path("fields").path("level").path("keyword").path("type").asText(), path + " " + caps);
            assertTrue(caps.path("fields").path("latency").path("float").path("aggregatable").asBoolean(), path + " " + caps);
        }
    }

    @Test
    void indexListingsAreTheTenantsOwn() throws Exception {
        JsonNode cat = ok(get("/_cat/indices?format=json"));
        List<String> names = new ArrayList<>();
        cat.forEach(row -> names.add(row.path("index").asText()));
        assertTrue(names.contains(INDEX) && names.contains(SECOND_INDEX), names.toString());
        assertTrue(names.stream().allMatch(name -> name.startsWith(USER + "-")), names.toString());

        JsonNode resolved = ok(get("/_resolve/index/*"));
        assertTrue(resolved.path("aliases").toString().contains(ALIAS), resolved.toString());
        assertTrue(resolved.path("indices").toString().contains(INDEX), resolved.toString());
    }

    // --- queries: _msearch as the backend and the frontend build it ---------------------------------------

    /** Backend: header {@code index} a string, time series with a terms split below the date histogram. */
    @Test
    void dateHistogramWithTermsSubAggregationOverTheAlias() throws Exception {
        String header = "{\"ignore_unavailable\":true,\"index\":\"" + ALIAS + "\",\"search_type\":\"query_then_fetch\"}";
        JsonNode response = msearch(header + "\n" + dateHistogramWithTerms() + "\n").path("responses").get(0);
        assertEquals(200, response.path("status").asInt(), response.toString());
        assertEquals(13, response.path("hits").path("total").path("value").asInt(), response.toString());
        JsonNode buckets = response.path("aggregations").path("2").path("buckets");
        assertEquals(11, buckets.size(), "one bucket a minute, both bounds included: " + buckets);
        int errors = 0;
        int warnings = 0;
        for (JsonNode bucket : buckets) {
            for (JsonNode level : bucket.path("3").path("buckets")) {
                assertTrue(level.path("1").has("value"), level.toString());
                errors += level.path("key").asText().equals("ERROR") ? level.path("doc_count").asInt() : 0;
                warnings += level.path("key").asText().equals("WARN") ? level.path("doc_count").asInt() : 0;
            }
        }
        assertEquals(4, errors);
        assertEquals(1, warnings);
    }

    /** Frontend (interval index pattern): header {@code index} an array; terms outside, date histogram inside. */
    @Test
    void termsThenDateHistogramWithIndexArray() throws Exception {
        String header = "{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,\"index\":[\"" + ALIAS + "\"]}";
        JsonNode response = msearch(header + "\n" + termsWithDateHistogram() + "\n").path("responses").get(0);
        assertEquals(200, response.path("status").asInt(), response.toString());
        JsonNode levels = response.path("aggregations").path("4").path("buckets");
        List<String> keys = new ArrayList<>();
        levels.forEach(level -> keys.add(level.path("key").asText()));
        assertEquals(List.of("WARN", "INFO", "ERROR"), keys, "ordered by _key desc: " + levels);
        assertEquals(11, levels.get(0).path("2").path("buckets").size(), levels.toString());
    }

    /** Several queries of one panel in one request, with a comma-joined index list (an interval pattern, backend). */
    @Test
    void severalQueriesInOneMultiSearch() throws Exception {
        String stringHeader = "{\"ignore_unavailable\":true,\"index\":\"" + INDEX + "," + SECOND_INDEX + "\",\"search_type\":\"query_then_fetch\"}";
        String arrayHeader = "{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,\"index\":[\"" + INDEX + "\",\"" + SECOND_INDEX + "\"]}";
        String missingHeader = "{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,\"index\":[\"" + INDEX + "\",\"" + USER + "-i-missing\"]}";
        JsonNode responses = msearch(stringHeader + "\n" + dateHistogramWithTerms() + "\n"
                + arrayHeader + "\n" + termsWithDateHistogram() + "\n"
                + missingHeader + "\n" + logsQuery(null) + "\n").path("responses");
        assertEquals(3, responses.size(), responses.toString());
        for (JsonNode response : responses) {
            assertEquals(200, response.path("status").asInt(), response.toString());
        }
        assertEquals(12, responses.get(2).path("hits").path("hits").size(), "ignore_unavailable skips the missing index");
    }

    @Test
    void logsQueryWithSizeSortAndHighlight() throws Exception {
        String header = "{\"ignore_unavailable\":true,\"index\":\"" + ALIAS + "\",\"search_type\":\"query_then_fetch\"}";
        JsonNode response = msearch(header + "\n" + logsQuery("level:ERROR") + "\n").path("responses").get(0);
        assertEquals(200, response.path("status").asInt(), response.toString());
        JsonNode hits = response.path("hits").path("hits");
        assertEquals(4, hits.size(), hits.toString());
        assertEquals("GFMARKER line 9", hits.get(0).path("_source").path("message").asText(), "newest first: " + hits);
        assertTrue(hits.get(0).path("fields").has(TIME_FIELD), hits.get(0).toString());
        assertTrue(hits.get(0).path("highlight").toString().contains("@HIGHLIGHT@"), hits.get(0).toString());
        assertTrue(hits.get(0).has("sort"), hits.get(0).toString());
    }

    /** Template variable values ({@code {"find":"terms"}}): a terms aggregation with {@code size: 500}. */
    @Test
    void termsQueryForVariables() throws Exception {
        String header = "{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,\"index\":\"" + ALIAS + "\"}";
        String body = "{\"size\":0,\"query\":{\"bool\":{\"filter\":[{\"range\":{\"" + TIME_FIELD + "\":{\"gte\":" + FROM
                + ",\"lte\":" + TO + ",\"format\":\"epoch_millis\"}}}]}},\"aggs\":{\"1\":{\"terms\":{\"field\":\"level\","
                + "\"size\":500,\"order\":{\"_key\":\"asc\"}}}}}";
        JsonNode response = msearch(header + "\n" + body + "\n").path("responses").get(0);
        assertEquals(3, response.path("aggregations").path("1").path("buckets").size(), response.toString());
    }

    /** What a tenant's Grafana cannot do: point the data source at another tenant's index. */
    @Test
    void anotherTenantsIndexIsRefused() throws Exception {
        String header = "{\"ignore_unavailable\":true,\"index\":\"" + FOREIGN_INDEX + "\",\"search_type\":\"query_then_fetch\"}";
        HttpResponse<String> refused = post("/_msearch?max_concurrent_shard_requests=5", header + "\n" + logsQuery(null) + "\n");
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("security_exception"), refused.body());
        assertEquals(403, get("/" + FOREIGN_INDEX + "/_mapping").statusCode());
    }

    // --- request bodies, as Grafana builds them ------------------------------------------------------------

    private static String timeFilter() {
        return "\"query\":{\"bool\":{\"filter\":{\"range\":{\"" + TIME_FIELD + "\":{\"format\":\"epoch_millis\",\"gte\":" + FROM
                + ",\"lte\":" + TO + "}}}}}";
    }

    private static String dateHistogram(String id, String subAggregations) {
        return "\"" + id + "\":{\"date_histogram\":{\"extended_bounds\":{\"max\":" + TO + ",\"min\":" + FROM + "},\"field\":\""
                + TIME_FIELD + "\",\"fixed_interval\":\"1m\",\"format\":\"epoch_millis\",\"min_doc_count\":0},\"aggs\":{"
                + subAggregations + "}}";
    }

    private static String terms(String id, String subAggregations) {
        return "\"" + id + "\":{\"terms\":{\"field\":\"level\",\"order\":{\"_key\":\"desc\"},\"size\":10,\"min_doc_count\":1},"
                + "\"aggs\":{" + subAggregations + "}}";
    }

    private static final String METRIC = "\"1\":{\"avg\":{\"field\":\"latency\"}}";

    private static String dateHistogramWithTerms() {
        return "{\"aggs\":{" + dateHistogram("2", terms("3", METRIC)) + "}," + timeFilter() + ",\"size\":0}";
    }

    private static String termsWithDateHistogram() {
        return "{\"aggs\":{" + terms("4", dateHistogram("2", METRIC)) + "}," + timeFilter() + ",\"size\":0}";
    }

    private static String logsQuery(String luceneQuery) {
        String filter = "{\"range\":{\"" + TIME_FIELD + "\":{\"format\":\"epoch_millis\",\"gte\":" + FROM + ",\"lte\":" + TO + "}}}";
        if (luceneQuery != null) {
            filter = "[" + filter + ",{\"query_string\":{\"analyze_wildcard\":true,\"query\":\"" + luceneQuery + "\"}}]";
        }
        return "{\"docvalue_fields\":[\"" + TIME_FIELD + "\"],\"query\":{\"bool\":{\"filter\":" + filter + "}},"
                + "\"script_fields\":{},\"size\":500,\"sort\":{\"" + TIME_FIELD + "\":{\"order\":\"desc\",\"unmapped_type\":\"boolean\"},"
                + "\"_doc\":{\"order\":\"desc\"}},\"highlight\":{\"pre_tags\":[\"@HIGHLIGHT@\"],\"post_tags\":[\"@/HIGHLIGHT@\"],"
                + "\"fragment_size\":2147483647,\"fields\":{\"*\":{}}},\"fields\":[{\"field\":\"" + TIME_FIELD
                + "\",\"format\":\"strict_date_optional_time_nanos\"}]}";
    }

    // --- HTTP ----------------------------------------------------------------------------------------------

    private HttpResponse<String> get(String pathAndQuery) {
        return Http.send(Http.request(listeners.searchPort(), pathAndQuery).header("Authorization", authorization)
                .header("Accept", "application/json").GET().build());
    }

    private HttpResponse<String> post(String pathAndQuery, String ndjson) {
        return Http.send(Http.request(listeners.searchPort(), pathAndQuery).header("Authorization", authorization)
                .header("Content-Type", "application/x-ndjson").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build());
    }

    /** {@code POST /_msearch?max_concurrent_shard_requests=5} as Grafana's backend sends it. */
    private JsonNode msearch(String ndjson) throws Exception {
        return ok(post("/_msearch?max_concurrent_shard_requests=5", ndjson));
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        return Answers.ok(response, FOREIGN_INDEX, 200);
    }
}
