package io.logstokengateway.scope;

import static io.logstokengateway.scope.ScopeCase.bodyDenied;
import static io.logstokengateway.scope.ScopeCase.checked;
import static io.logstokengateway.scope.ScopeCase.deny;
import static io.logstokengateway.scope.ScopeCase.ndjson;
import static io.logstokengateway.scope.ScopeCase.redirected;
import static io.logstokengateway.scope.ScopeCase.rewritten;
import static io.logstokengateway.scope.ScopeRulesTest.A;
import static io.logstokengateway.scope.ScopeRulesTest.OUTSIDE;
import static io.logstokengateway.scope.ScopeRulesTest.READ_A;

import io.logstokengateway.crypto.SearchContextSeal.Kind;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The scoping table for requests whose body the gateway reads, run as service A ({@code logs-aa-00001}). */
class ScopeBodiesTest {

    private static final String MAY_WRITE = "is outside the indices this token may write";
    private static final String SEARCH = "{\"query\":{\"match_all\":{}}}";
    private static final String NARROWED_HEADER = "{\"index\":[\"logs-aa-00001-i-app\",\"logs-aa-00001-i-web\"]}";
    private static final String PIT = ScopeFixtures.sealed(Kind.POINT_IN_TIME, "46ToAwMD");

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void multiSearchHeadersAreNarrowedOneByOne(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> multiSearchHeadersAreNarrowedOneByOne() {
        return Stream.of(
                rewritten("POST", "/_msearch", ndjson("{\"index\":\"logs-aa-00001-a-x\"}", SEARCH), "/_msearch",
                        ndjson("{\"index\":[\"logs-aa-00001-a-x\"]}", SEARCH)),
                rewritten("POST", "/_msearch?max_concurrent_shard_requests=5",
                        ndjson("{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,"
                                + "\"index\":\"logs-aa-00001-a-2024.01.01,logs-aa-00001-a-2024.01.02\"}", SEARCH),
                        "/_msearch?max_concurrent_shard_requests=5",
                        ndjson("{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,"
                                + "\"index\":[\"logs-aa-00001-a-2024.01.01\",\"logs-aa-00001-a-2024.01.02\"]}", SEARCH)),
                rewritten("POST", "/_msearch", ndjson("{\"index\":[\"logs-aa-00001-a-x\",\"logs-aa-00001-i-*\"]}", SEARCH),
                        "/_msearch", ndjson("{\"index\":[\"logs-aa-00001-a-x\",\"logs-aa-00001-i-app\",\"logs-aa-00001-i-web\"]}", SEARCH)),
                rewritten("POST", "/_msearch", ndjson("{}", SEARCH), "/_msearch", ndjson(NARROWED_HEADER, SEARCH)),
                rewritten("POST", "/_msearch", ndjson("{\"index\":\"logs-*\"}", SEARCH), "/_msearch",
                        ndjson(NARROWED_HEADER, SEARCH)),
                rewritten("POST", "/_msearch", ndjson("{\"index\":\"\"}", SEARCH), "/_msearch",
                        ndjson(NARROWED_HEADER, SEARCH)),
                rewritten("POST", "/_msearch", ndjson("{\"index\":[]}", SEARCH), "/_msearch",
                        ndjson(NARROWED_HEADER, SEARCH)),
                rewritten("POST", "/_msearch", ndjson("{\"indices\":\"logs-aa-00001-i-x\"}", SEARCH), "/_msearch",
                        ndjson("{\"index\":[\"logs-aa-00001-i-x\"]}", SEARCH)),
                rewritten("POST", "/logs-aa-00001-a-*/_msearch", ndjson("{}", SEARCH), "/" + READ_A + "/_msearch",
                        ndjson(NARROWED_HEADER, SEARCH)),
                rewritten("POST", "/*/_msearch", ndjson("{\"preference\":\"p\"}", SEARCH), "/" + READ_A + "/_msearch",
                        ndjson("{\"preference\":\"p\",\"index\":[\"logs-aa-00001-i-app\",\"logs-aa-00001-i-web\"]}", SEARCH)),
                // the last line forwarded as sent, unterminated: the upstream decides what it makes of that
                rewritten("POST", "/_msearch", "{}\n{\"pit\":{\"id\":\"" + PIT + "\"}}", "/_msearch",
                        "{}\n{\"pit\":{\"id\":\"46ToAwMD\"}}"),
                rewritten("POST", "/_msearch", ndjson("{\"index\":\"logs-aa-00001-a-x\"}", SEARCH, "{}", SEARCH),
                        "/_msearch", ndjson("{\"index\":[\"logs-aa-00001-a-x\"]}", SEARCH, NARROWED_HEADER, SEARCH)),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":\"logs-bb-00002-a-x\"}", SEARCH), OUTSIDE),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":[\"logs-aa-00001-a-x\",\"logs-bb-00002-a-x\"]}", SEARCH),
                        "[logs-bb-00002-a-x]"),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":\"logs-bb-*\"}", SEARCH), "matches no index"),
                bodyDenied("POST", "/logs-aa-00001-a-*/_msearch", ndjson("{\"index\":\"logs-bb-00002-a-x\"}", SEARCH),
                        OUTSIDE),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":\"logs-aa-00001-a-x\",\"indices\":\"logs-bb-00002-a-x\"}",
                        SEARCH), "both [index] and [indices]"),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":\"logs-aa-00001-a-x\",\"index\":\"logs-bb-00002-a-x\"}",
                        SEARCH), "not valid JSON"),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":\"cluster_two:logs-aa-00001-a-x\"}", SEARCH),
                        "remote cluster"),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":7}", SEARCH), "string or an array"),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":[7]}", SEARCH), "must be strings"),
                bodyDenied("POST", "/_msearch", ndjson("{}", "{\"query\":{\"terms\":{\"user\":{\"index\":"
                        + "\"logs-bb-00002-a-x\",\"id\":\"1\",\"path\":\"users\"}}}}"), OUTSIDE),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":\"logs-aa-00001-a-x\"}"), "pairs"),
                bodyDenied("POST", "/_msearch", "{\"index\":\"logs-aa-00001-a-x\"}\n\n" + SEARCH + "\n", "blank"),
                bodyDenied("POST", "/_msearch", "\n{}\n" + SEARCH + "\n", "blank"),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":\"logs-aa-00001-a-x\"} {\"index\":\"logs-bb-00002-a-x\"}",
                        SEARCH), "not valid JSON"),
                bodyDenied("POST", "/_msearch", ndjson("{\"index\":\"logs-aa-00001-a-x\" /* \"index\":\"b\" */}", SEARCH),
                        "not valid JSON"),
                bodyDenied("POST", "/_msearch", "", "empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void searchBodiesMayNameNoOtherIndex(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> searchBodiesMayNameNoOtherIndex() {
        String path = "/" + READ_A + "/_search";
        return Stream.of(
                checked("POST", "/_search", SEARCH, path),
                checked("POST", "/_search", "", path),
                checked("POST", "/_search", " \n", path),
                checked("POST", "/_search", "{\"query\":{\"terms\":{\"user\":{\"index\":\"logs-aa-00001-a-users\","
                        + "\"id\":\"1\",\"path\":\"ids\"}}}}", path),
                checked("POST", "/_search", "{\"query\":{\"term\":{\"index\":\"logs-bb-00002-a-x\"}}}", path),
                checked("POST", "/_search", "{\"query\":{\"terms\":{\"_index\":[\"logs-bb-00002-a-x\"]}}}", path),
                checked("POST", "/_search", "{\"sort\":[{\"_index\":\"asc\"},{\"@timestamp\":{\"order\":\"desc\"}}]}", path),
                checked("POST", "/_search", "{\"aggs\":{\"index\":{\"terms\":{\"field\":\"_index\"}}}}", path),
                checked("POST", "/_search", "{\"query\":{\"script_score\":{\"query\":{\"match_all\":{}},"
                        + "\"script\":{\"source\":\"params.index\",\"params\":{\"index\":\"anything\"}}}}}", path),
                redirected("POST", "/_search?size=10", "{\"pit\":{\"id\":\"" + PIT + "\"},\"sort\":[{\"_shard_doc\":\"asc\"}]}",
                        path + "?size=10", "/_search?size=10"),
                bodyDenied("POST", "/_search", "{\"pit\":{\"id\":\"x\"},\"query\":{\"terms\":{\"u\":{\"index\":"
                        + "\"logs-bb-00002-a-x\",\"id\":\"1\",\"path\":\"p\"}}}}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"terms\":{\"user\":{\"index\":\"logs-bb-00002-a-users\","
                        + "\"id\":\"1\",\"path\":\"ids\"}}}}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"terms\":{\"index\":{\"index\":\"logs-bb-00002-a-x\","
                        + "\"id\":\"1\",\"path\":\"p\"}}}}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"more_like_this\":{\"fields\":[\"message\"],"
                        + "\"like\":[{\"_index\":\"logs-bb-00002-a-x\",\"_id\":\"1\"}]}}}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"geo_shape\":{\"area\":{\"indexed_shape\":{"
                        + "\"index\":\"logs-bb-00002-a-shapes\",\"id\":\"1\",\"path\":\"shape\"}}}}}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"geo_shape\":{\"area\":{\"indexed_shape\":{"
                        + "\"id\":\"1\",\"path\":\"shape\"}}}}}", "[indexed_shape] must name its index"),
                bodyDenied("POST", "/_search", "{\"query\":{\"percolate\":{\"field\":\"q\",\"index\":\"logs-bb-00002-a-x\","
                        + "\"id\":\"1\"}}}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"pinned\":{\"docs\":[{\"_index\":\"logs-bb-00002-a-x\","
                        + "\"_id\":\"1\"}],\"organic\":{\"match_all\":{}}}}}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"runtime_mappings\":{\"u\":{\"type\":\"lookup\",\"target_index\":"
                        + "\"logs-bb-00002-a-users\",\"input_field\":\"id\",\"target_field\":\"id\",\"fetch_fields\":[\"n\"]}}}",
                        OUTSIDE),
                bodyDenied("POST", "/_search", "{\"indices_boost\":[{\"logs-bb-00002-*\":2.0}]}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"wrapper\":{\"query\":\"eyJtYXRjaF9hbGwiOnt9fQ==\"}}}",
                        "[wrapper]"),
                bodyDenied("POST", "/_search", "{\"suggest\":{\"s\":{\"text\":\"x\",\"phrase\":{\"field\":\"m\","
                        + "\"collate\":{\"query\":{\"source\":\"{}\"}}}}}}", "[collate]"),
                bodyDenied("POST", "/_search", "{\"aggs\":{\"doc\":{\"filter\":{\"terms\":{\"f\":{\"index\":"
                        + "\"logs-bb-00002-a-x\",\"id\":\"1\",\"path\":\"p\"}}}}}}", OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"terms\":{\"f\":{\"index\":\"\",\"id\":\"1\",\"path\":\"p\"}}}}",
                        "empty index expression"),
                bodyDenied("POST", "/_search", "{\"query\":{\"terms\":{\"f\":{\"index\":12,\"id\":\"1\",\"path\":\"p\"}}}}",
                        OUTSIDE),
                bodyDenied("POST", "/_search", "{\"query\":{\"match_all\":{}},\"query\":{\"match_none\":{}}}", "not valid JSON"),
                bodyDenied("POST", "/_search", "query=match_all", "not valid JSON"),
                bodyDenied("POST", "/_search", "[]", "JSON object"),
                bodyDenied("POST", "/logs-aa-00001-a-x/_count", "{\"query\":{\"terms\":{\"u\":{\"index\":"
                        + "\"logs-bb-00002-a-x\",\"id\":\"1\",\"path\":\"p\"}}}}", OUTSIDE),
                bodyDenied("POST", "/_field_caps", "{\"index_filter\":{\"terms\":{\"u\":{\"index\":\"logs-bb-00002-a-x\","
                        + "\"id\":\"1\",\"path\":\"p\"}}}}", OUTSIDE),
                bodyDenied("POST", "/_async_search", "{\"query\":{\"more_like_this\":{\"like\":[{\"_index\":"
                        + "\"logs-bb-00002-a-x\",\"_id\":\"1\"}]}}}", OUTSIDE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void multiGetsReadOnlyReadableDocuments(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> multiGetsReadOnlyReadableDocuments() {
        return Stream.of(
                checked("POST", "/_mget", "{\"docs\":[{\"_index\":\"logs-aa-00001-a-x\",\"_id\":\"1\"}]}", "/_mget"),
                checked("POST", "/logs-aa-00001-a-x/_mget", "{\"ids\":[\"1\",\"2\"]}", "/logs-aa-00001-a-x/_mget"),
                checked("GET", "/_mtermvectors", "{\"docs\":[{\"_index\":\"logs-aa-00001-a-x\",\"_id\":\"1\"}]}",
                        "/_mtermvectors"),
                bodyDenied("POST", "/_mget", "{\"docs\":[{\"_index\":\"logs-aa-00001-a-x\",\"_id\":\"1\"},"
                        + "{\"_index\":\"logs-bb-00002-a-x\",\"_id\":\"1\"}]}", OUTSIDE),
                bodyDenied("POST", "/logs-aa-00001-a-x/_mget", "{\"docs\":[{\"_index\":\"logs-bb-00002-a-x\",\"_id\":\"1\"}]}",
                        OUTSIDE),
                bodyDenied("POST", "/_mtermvectors", "{\"docs\":[{\"_index\":\"logs-bb-00002-a-x\",\"_id\":\"1\"}]}", OUTSIDE),
                deny("POST", "/logs-bb-00002-a-x/_mget", OUTSIDE),
                deny("POST", "/logs-aa-00001-a-*/_mget", "exactly one index"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void bulkActionsWriteOnlyWithinTheWritePatterns(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> bulkActionsWriteOnlyWithinTheWritePatterns() {
        String doc = "{\"message\":\"hello\",\"index\":\"logs-bb-00002-i-x\"}";
        return Stream.of(
                checked("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-i-x\"}}", doc,
                        "{\"create\":{\"_index\":\"logs-aa-00001-i-x\",\"_id\":\"2\"}}", doc,
                        "{\"update\":{\"_index\":\"logs-aa-00001-i-x\",\"_id\":\"2\"}}", "{\"doc\":{\"a\":1}}",
                        "{\"delete\":{\"_index\":\"logs-aa-00001-i-x\",\"_id\":\"3\"}}"), "/_bulk"),
                checked("POST", "/logs-aa-00001-i-x/_bulk", ndjson("{\"index\":{}}", doc, "{\"delete\":{\"_id\":\"1\"}}"),
                        "/logs-aa-00001-i-x/_bulk"),
                checked("PUT", "/_bulk?refresh=wait_for", "{\"index\":{\"_index\":\"<logs-aa-00001-i-{now/d}>\"}}\n" + doc,
                        "/_bulk?refresh=wait_for"),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-bb-00002-i-x\"}}", doc), MAY_WRITE),
                bodyDenied("POST", "/logs-aa-00001-i-x/_bulk", ndjson("{\"index\":{}}", doc,
                        "{\"delete\":{\"_index\":\"logs-bb-00002-i-x\",\"_id\":\"1\"}}"), MAY_WRITE),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-a-x\"}}", doc), MAY_WRITE),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-i-*\"}}", doc), "exactly one index"),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{}}", doc), "names no index"),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-i-x\",\"pipeline\":\"p\"}}", doc),
                        "[pipeline]"),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"index\":\"logs-bb-00002-i-x\"}}", doc), "use [_index]"),
                bodyDenied("POST", "/_bulk", ndjson("{\"upsert\":{\"_index\":\"logs-aa-00001-i-x\"}}", doc), "unknown action"),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-i-x\"},"
                        + "\"delete\":{\"_index\":\"logs-bb-00002-i-x\"}}", doc), "exactly one action"),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-i-x\"}}"), "no document line"),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-i-x\"}}", doc, "not json"),
                        "not valid JSON"),
                // Elasticsearch skips a blank action line, and would read the next action as this one's document
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-i-x\"}}", doc, "",
                        "{\"index\":{\"_index\":\"logs-aa-00001-i-x\"}}", doc), "blank"),
                // a blank document line is a document (an empty one, which the upstream refuses); what follows is an action
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":\"logs-aa-00001-i-x\"}}", "", doc),
                        "exactly one action"),
                bodyDenied("POST", "/_bulk", ndjson("{\"index\":{\"_index\":[\"logs-aa-00001-i-x\"]}}", doc), "must be a string"),
                deny("POST", "/logs-bb-00002-i-x/_bulk", MAY_WRITE),
                deny("POST", "/_bulk?pipeline=to-b", "[pipeline]"));
    }
}
