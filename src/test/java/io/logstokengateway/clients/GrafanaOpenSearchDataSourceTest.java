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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays, with a gateway token as Basic {@code <token>:token}, the HTTP requests of Grafana's OpenSearch data source
 * plugin (grafana/opensearch-datasource): the frontend's flavor and version detection ({@code GET /}, with the
 * trailing slash the backend adds), the backend health check ({@code GET /<index>/_mapping/field/<time field>}, or
 * index-less when no index is configured, trying each daily index of an interval pattern until one answers 200),
 * the backend's {@code _msearch?max_concurrent_shard_requests=5} sent as {@code application/json} with Go's sorted
 * header keys and a comma-joined {@code index} string, the frontend's {@code application/x-ndjson} terms query, the
 * shard-count lookup {@code GET /<index>/_settings/index.number_of_shards?flat_settings=true}, and the resource
 * calls {@code <index>/_field_caps?fields=*} and {@code _cat/indices?format=json&h=index,status,health,docs.count}.
 * The bodies follow the plugin's builders for the OpenSearch flavor: {@code date_histogram} with the legacy
 * {@code interval}, a {@code bool.filter} array with an {@code epoch_millis} range and a {@code query_string}, and the
 * logs query's sort array, {@code docvalue_fields} and {@code fields} with {@code strict_date_optional_time_nanos}.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class GrafanaOpenSearchDataSourceTest {

    static final String SERVICE = "ldp-go-00061";
    static final String USER = "logs-go-00061";
    static final String INDEX = USER + "-i-app";
    /** Two daily indices of an interval pattern {@code [logs-go-00061-i-daily-]YYYY.MM.DD}. */
    static final String DAY_ONE = USER + "-i-daily-2026.11.27";
    static final String DAY_TWO = USER + "-i-daily-2026.11.28";
    static final String ALIAS = USER + "-a-all";
    static final String FOREIGN_INDEX = "logs-gq-00062-i-app";
    static final String TIME_FIELD = "@timestamp";
    /** Go's {@code url.PathEscape} leaves {@code @} as is. */
    static final String TIME_FIELD_IN_PATH = "@timestamp";
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
        LogIndices.create(INDEX, 2, TIME_FIELD);
        for (String index : List.of(DAY_ONE, DAY_TWO, FOREIGN_INDEX)) {
            LogIndices.create(index, 1, TIME_FIELD);
        }
        for (int i = 0; i < 10; i++) {
            LogIndices.line(INDEX, "o" + i, TIME_FIELD, FROM + i * 60_000L, i % 2 == 0 ? "ERROR" : "INFO", "OSMARKER line " + i, i * 10);
        }
        LogIndices.line(DAY_TWO, "d0", TIME_FIELD, FROM + 30_000, "WARN", "OSMARKER daily", 3);
        LogIndices.line(FOREIGN_INDEX, "x0", TIME_FIELD, FROM + 1000, "INFO", Answers.FOREIGN_MARKER, 1);
        LogIndices.alias(INDEX, ALIAS);
        Gateway.catalogCaughtUp();
        Gateway.provision(SERVICE, USER, "Grafana-OpenSearch-Password-1", Map.of());
        authorization = basic(Gateway.createToken(SERVICE, "grafana-opensearch")[1], "token");
    }

    // --- configuration page ---------------------------------------------------------------------------------

    /** {@code getOpenSearchVersion()}: flavor from {@code version.distribution}, version from {@code version.number}. */
    @Test
    void flavorAndVersionDetection() throws Exception {
        JsonNode root = ok(get("/"));
        assertEquals("opensearch", root.path("version").path("distribution").asText(), root.toString());
        assertTrue(root.path("version").path("number").asText().matches("\\d+\\.\\d+\\.\\d+.*"), root.toString());
    }

    /** {@code CheckHealth} with a static index: the answer is keyed by the index and maps the time field as a date. */
    @Test
    void healthCheckOnTheConfiguredIndex() throws Exception {
        JsonNode field = ok(get("/" + INDEX + "/_mapping/field/" + TIME_FIELD_IN_PATH));
        assertEquals("date", field.path(INDEX).path("mappings").path(TIME_FIELD).path("mapping").path(TIME_FIELD)
                .path("type").asText(), field.toString());
    }

    /** On a wildcard of the tenant's indices or its alias the answer is keyed by the concrete indices, as upstream. */
    @Test
    void healthCheckOnAPatternAndOnTheAlias() throws Exception {
        JsonNode pattern = ok(get("/" + USER + "-i-*/_mapping/field/" + TIME_FIELD_IN_PATH));
        assertEquals(3, pattern.size(), pattern.toString());
        assertTrue(pattern.has(INDEX) && pattern.has(DAY_ONE) && pattern.has(DAY_TWO), pattern.toString());
        JsonNode alias = ok(get("/" + ALIAS + "/_mapping/field/" + TIME_FIELD_IN_PATH));
        assertEquals("date", alias.path(INDEX).path("mappings").path(TIME_FIELD).path("mapping").path(TIME_FIELD)
                .path("type").asText(), alias.toString());
    }

    /** No index configured: {@code GET /_mapping/field/<time field>}, narrowed to the tenant's indices only. */
    @Test
    void healthCheckWithoutAnIndex() throws Exception {
        JsonNode field = ok(get("/_mapping/field/" + TIME_FIELD_IN_PATH));
        List<String> names = new ArrayList<>();
        field.fieldNames().forEachRemaining(names::add);
        assertTrue(names.contains(INDEX) && names.contains(DAY_TWO), names.toString());
        assertTrue(names.stream().allMatch(name -> name.startsWith(USER + "-")), names.toString());
    }

    /** Interval pattern: a missing day answers 404 (so the plugin tries the next one), an existing day 200. */
    @Test
    void healthCheckWalksTheDailyIndices() throws Exception {
        HttpResponse<String> missing = get("/" + USER + "-i-daily-2026.11.29/_mapping/field/" + TIME_FIELD_IN_PATH);
        assertEquals(404, missing.statusCode(), missing.body());
        assertTrue(missing.body().contains("index_not_found_exception"), missing.body());
        JsonNode day = ok(get("/" + DAY_TWO + "/_mapping/field/" + TIME_FIELD_IN_PATH));
        assertTrue(day.has(DAY_TWO), day.toString());
    }

    // --- resource calls ---------------------------------------------------------------------------------------

    @Test
    void fieldCapsAndIndexListing() throws Exception {
        JsonNode caps = ok(get("/" + INDEX + "/_field_caps?fields=*"));
        assertEquals("date", caps.path("fields").path(TIME_FIELD).path("date").path("type").asText(), caps.toString());
        assertEquals("keyword", caps.path("fields").path("level").path("keyword").path("type").asText(), caps.toString());

        JsonNode cat = ok(get("/_cat/indices?format=json&h=index,status,health,docs.count"));
        List<String> names = new ArrayList<>();
        cat.forEach(row -> names.add(row.path("index").asText()));
        assertTrue(names.containsAll(List.of(INDEX, DAY_ONE, DAY_TWO)), names.toString());
        assertTrue(names.stream().allMatch(name -> name.startsWith(USER + "-")), names.toString());
        assertTrue(cat.get(0).has("docs.count") && cat.get(0).has("health"), cat.toString());
    }

    /** {@code GetNumberOfShards}: the largest {@code index.number_of_shards} among the index's concrete indices. */
    @Test
    void numberOfShardsLookup() throws Exception {
        JsonNode settings = ok(get("/" + INDEX + "/_settings/index.number_of_shards?flat_settings=true"));
        assertEquals("2", settings.path(INDEX).path("settings").path("index.number_of_shards").asText(), settings.toString());
        assertEquals(1, settings.path(INDEX).path("settings").size(), "only the requested setting: " + settings);

        JsonNode pattern = ok(get("/" + USER + "-i-*/_settings/index.number_of_shards?flat_settings=true"));
        assertEquals(3, pattern.size(), pattern.toString());
        JsonNode alias = ok(get("/" + ALIAS + "/_settings/index.number_of_shards?flat_settings=true"));
        assertEquals("2", alias.path(INDEX).path("settings").path("index.number_of_shards").asText(), alias.toString());
    }

    /** The plugin never sends it index-less (it skips the lookup), but the narrowed form answers with own indices. */
    @Test
    void numberOfShardsWithoutAnIndexIsNarrowed() throws Exception {
        JsonNode settings = ok(get("/_settings/index.number_of_shards?flat_settings=true"));
        assertTrue(settings.has(INDEX), settings.toString());
        List<String> names = new ArrayList<>();
        settings.fieldNames().forEachRemaining(names::add);
        assertTrue(names.stream().allMatch(name -> name.startsWith(USER + "-")), names.toString());
    }

    // --- queries ----------------------------------------------------------------------------------------------

    /** Backend time series: a date histogram with a terms split, header keys sorted as Go marshals a map. */
    @Test
    void backendTimeSeriesAsApplicationJson() throws Exception {
        String header = "{\"ignore_unavailable\":true,\"index\":\"" + INDEX + "\",\"search_type\":\"query_then_fetch\"}";
        JsonNode response = msearch(header + "\n" + timeSeries(null) + "\n", "application/json").path("responses").get(0);
        assertEquals(200, response.path("status").asInt(), response.toString());
        assertEquals(10, response.path("hits").path("total").path("value").asInt(), response.toString());
        JsonNode buckets = response.path("aggregations").path("2").path("buckets");
        assertEquals(11, buckets.size(), buckets.toString());
        int errors = 0;
        for (JsonNode bucket : buckets) {
            for (JsonNode level : bucket.path("3").path("buckets")) {
                errors += level.path("key").asText().equals("ERROR") ? level.path("doc_count").asInt() : 0;
                assertTrue(level.path("1").has("value"), level.toString());
            }
        }
        assertEquals(5, errors);
    }

    /** Interval pattern: the comma-joined daily indices of the range, one of them missing, and a Lucene query. */
    @Test
    void backendQueryOverDailyIndicesWithQueryString() throws Exception {
        String header = "{\"ignore_unavailable\":true,\"index\":\"" + DAY_ONE + "," + DAY_TWO + "," + USER
                + "-i-daily-2026.11.29\",\"search_type\":\"query_then_fetch\"}";
        JsonNode response = msearch(header + "\n" + timeSeries("level:WARN") + "\n", "application/json")
                .path("responses").get(0);
        assertEquals(200, response.path("status").asInt(), response.toString());
        assertEquals(1, response.path("hits").path("total").path("value").asInt(), response.toString());
    }

    /** Logs query: sort array, size, {@code docvalue_fields} and {@code fields} on the time field, auto histogram. */
    @Test
    void backendLogsQuery() throws Exception {
        String header = "{\"ignore_unavailable\":true,\"index\":\"" + ALIAS + "\",\"search_type\":\"query_then_fetch\"}";
        String logs = "{\"aggs\":{\"1\":{\"date_histogram\":{\"extended_bounds\":{\"max\":" + TO + ",\"min\":" + FROM
                + "},\"field\":\"" + TIME_FIELD + "\",\"format\":\"epoch_millis\",\"interval\":\"10s\",\"min_doc_count\":0}}},"
                + "\"docvalue_fields\":[\"" + TIME_FIELD + "\"],\"fields\":[{\"field\":\"" + TIME_FIELD
                + "\",\"format\":\"strict_date_optional_time_nanos\"}]," + filter("level:ERROR") + ",\"size\":500,"
                + "\"sort\":[{\"" + TIME_FIELD + "\":{\"order\":\"desc\",\"unmapped_type\":\"boolean\"}}]}";
        JsonNode response = msearch(header + "\n" + logs + "\n", "application/json").path("responses").get(0);
        assertEquals(200, response.path("status").asInt(), response.toString());
        JsonNode hits = response.path("hits").path("hits");
        assertEquals(5, hits.size(), hits.toString());
        assertEquals("OSMARKER line 8", hits.get(0).path("_source").path("message").asText(), "newest first: " + hits);
        assertTrue(hits.get(0).path("fields").has(TIME_FIELD), hits.get(0).toString());
        assertEquals(61, response.path("aggregations").path("1").path("buckets").size(), response.toString());
    }

    /** Frontend {@code getTerms} (variables, ad hoc filters): {@code application/x-ndjson} through the resource call. */
    @Test
    void frontendTermsQueryAsNdjson() throws Exception {
        String header = "{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,\"index\":\"" + USER + "-i-*\"}";
        String terms = "{\"size\":0,\"query\":{\"bool\":{\"filter\":[{\"range\":{\"" + TIME_FIELD + "\":{\"gte\":" + FROM
                + ",\"lte\":" + TO + ",\"format\":\"epoch_millis\"}}}]}},\"aggs\":{\"1\":{\"terms\":{\"field\":\"level\","
                + "\"size\":500,\"order\":{\"_key\":\"asc\"}}}}}";
        JsonNode response = msearch(header + "\n" + terms + "\n", "application/x-ndjson").path("responses").get(0);
        List<String> keys = new ArrayList<>();
        response.path("aggregations").path("1").path("buckets").forEach(bucket -> keys.add(bucket.path("key").asText()));
        assertEquals(List.of("ERROR", "INFO", "WARN"), keys, response.toString());
    }

    @Test
    void anotherTenantsIndexIsRefused() throws Exception {
        String header = "{\"ignore_unavailable\":true,\"index\":\"" + INDEX + "," + FOREIGN_INDEX + "\",\"search_type\":\"query_then_fetch\"}";
        HttpResponse<String> refused = post("/_msearch?max_concurrent_shard_requests=5", header + "\n" + timeSeries(null) + "\n",
                "application/json");
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("security_exception"), refused.body());
        assertEquals(403, get("/" + FOREIGN_INDEX + "/_mapping/field/" + TIME_FIELD_IN_PATH).statusCode());
        assertEquals(403, get("/" + FOREIGN_INDEX + "/_settings/index.number_of_shards?flat_settings=true").statusCode());
    }

    /**
     * A PPL query names its indices inside its text ({@code source=...}), where the gateway cannot scope them: the
     * plugin's PPL mode is refused, on both paths it uses, even for the tenant's own index.
     */
    @Test
    void pplQueriesAreRefused() {
        for (String path : List.of("/_plugins/_ppl", "/_opendistro/_ppl")) {
            HttpResponse<String> refused = post(path, "{\"query\":\"source=" + INDEX + " | stats count()\"}", "application/json");
            assertEquals(403, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("security_exception"), refused.body());
        }
    }

    // --- bodies, as the plugin's builders produce them ----------------------------------------------------------

    private static String filter(String luceneQuery) {
        String range = "{\"range\":{\"" + TIME_FIELD + "\":{\"format\":\"epoch_millis\",\"gte\":" + FROM + ",\"lte\":" + TO + "}}}";
        String query = luceneQuery == null ? "" : ",{\"query_string\":{\"analyze_wildcard\":true,\"query\":\"" + luceneQuery + "\"}}";
        return "\"query\":{\"bool\":{\"filter\":[" + range + query + "]}}";
    }

    private static String timeSeries(String luceneQuery) {
        return "{\"aggs\":{\"2\":{\"aggs\":{\"3\":{\"aggs\":{\"1\":{\"avg\":{\"field\":\"latency\"}}},\"terms\":{\"field\":\"level\","
                + "\"min_doc_count\":1,\"order\":{\"_key\":\"desc\"},\"size\":10}}},\"date_histogram\":{\"extended_bounds\":{\"max\":"
                + TO + ",\"min\":" + FROM + "},\"field\":\"" + TIME_FIELD + "\",\"format\":\"epoch_millis\",\"interval\":\"1m\","
                + "\"min_doc_count\":0}}}," + filter(luceneQuery) + ",\"size\":0}";
    }

    // --- HTTP ---------------------------------------------------------------------------------------------------

    private HttpResponse<String> get(String pathAndQuery) {
        return Http.send(Http.request(listeners.searchPort(), pathAndQuery).header("Authorization", authorization)
                .header("User-Agent", "Grafana").header("Accept", "application/json").GET().build());
    }

    private HttpResponse<String> post(String pathAndQuery, String body, String contentType) {
        return Http.send(Http.request(listeners.searchPort(), pathAndQuery).header("Authorization", authorization)
                .header("User-Agent", "Grafana").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode msearch(String ndjson, String contentType) throws Exception {
        return ok(post("/_msearch?max_concurrent_shard_requests=5", ndjson, contentType));
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        return Answers.ok(response, FOREIGN_INDEX, 200);
    }
}
