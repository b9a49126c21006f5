package io.logstokengateway.scope;

import static io.logstokengateway.scope.ScopeCase.checked;
import static io.logstokengateway.scope.ScopeCase.deny;
import static io.logstokengateway.scope.ScopeCase.forward;
import static io.logstokengateway.scope.ScopeCase.redirected;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scoping table for cluster requests and reads, run as service A ({@code logs-aa-00001}); B is
 * {@code logs-bb-00002}. The rest of the table: {@link ScopeTargetsTest} (tricky targets, other services),
 * {@link ScopeWritesTest}, {@link ScopeBodiesTest} and {@link ScopeDefinitionsTest} (requests with bodies).
 */
class ScopeRulesTest {

    static final ServiceScope A = scopeOf("logs-aa-00001");
    static final ServiceScope B = scopeOf("logs-bb-00002");
    /** Every concrete index A may read, as narrowing writes them into a path. */
    static final String READ_A = ScopeFixtures.A_INDICES;
    static final String OUTSIDE = "is outside the indices this token may read";
    static final String NOT_ALLOWED = "is not allowed through the gateway";

    static ServiceScope scopeOf(String username) {
        return new ServiceScope(List.of(username + "-a-*", username + "-i-*"), List.of(username + "-i-*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void clusterReadsOnTheAllowlistPass(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> clusterReadsOnTheAllowlistPass() {
        return Stream.of(
                forward("GET", "/", "/"),
                forward("HEAD", "/", "/"),
                forward("GET", "/?pretty", "/?pretty"),
                forward("GET", "/_cluster/health", "/_cluster/health"),
                forward("GET", "/_cluster/health?level=cluster&wait_for_status=yellow",
                        "/_cluster/health?level=cluster&wait_for_status=yellow"),
                forward("GET", "/_cluster/health?level=indices", "/_cluster/health/" + READ_A + "?level=indices"),
                forward("GET", "/_cluster/health?level=shards", "/_cluster/health/" + READ_A + "?level=shards"),
                forward("GET", "/_cluster/health/logs-*", "/_cluster/health/" + READ_A),
                forward("GET", "/_cluster/health/logs-aa-00001-i-x", "/_cluster/health/logs-aa-00001-i-x"),
                forward("GET", "/_nodes", "/_nodes"),
                forward("GET", "/_nodes?filter_path=nodes.*.version,nodes.*.http.publish_address,nodes.*.ip",
                        "/_nodes?filter_path=nodes.*.version,nodes.*.http.publish_address,nodes.*.ip"),
                forward("GET", "/_nodes/_local", "/_nodes/_local"),
                forward("GET", "/_nodes/http", "/_nodes/http"),
                forward("GET", "/_nodes/_all/http,jvm", "/_nodes/_all/http,jvm"),
                forward("GET", "/_nodes/master:true/settings", "/_nodes/master:true/settings"),
                forward("GET", "/_xpack", "/_xpack"),
                forward("GET", "/_license", "/_license"),
                forward("GET", "/_cluster/settings?include_defaults=true", "/_cluster/settings?include_defaults=true"),
                forward("GET", "/_cat/health?v", "/_cat/health?v"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void clusterRequestsOffTheAllowlistAreRefused(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> clusterRequestsOffTheAllowlistAreRefused() {
        return Stream.of(
                deny("GET", "/_cluster/health/logs-bb-00002-i-x", OUTSIDE),
                deny("GET", "/_cluster/health?index=logs-bb-00002-i-x&level=indices", "unrecognized parameter: [index]"),
                deny("GET", "/_nodes/stats", NOT_ALLOWED),
                deny("GET", "/_nodes/_local/stats", "only node info"),
                deny("GET", "/_nodes/stats/jvm", NOT_ALLOWED),
                deny("GET", "/_nodes/hot_threads", NOT_ALLOWED),
                deny("GET", "/_nodes/_all/hot_threads", "only node info"),
                deny("GET", "/_nodes/usage", NOT_ALLOWED),
                deny("POST", "/_nodes/reload_secure_settings", "is not allowed"),
                deny("GET", "/_xpack/usage", NOT_ALLOWED),
                deny("GET", "/_license/basic_status", NOT_ALLOWED),
                deny("PUT", "/_cluster/settings", "the method [PUT] is not allowed"),
                deny("GET", "/_cluster/state", "the search API path [/_cluster/state] " + NOT_ALLOWED),
                deny("GET", "/_cluster/state/metadata/logs-aa-00001-a-x", NOT_ALLOWED),
                deny("GET", "/_cluster/stats", NOT_ALLOWED),
                deny("GET", "/_cluster/pending_tasks", NOT_ALLOWED),
                deny("POST", "/_cluster/reroute", NOT_ALLOWED),
                deny("GET", "/_cluster/allocation/explain", NOT_ALLOWED),
                deny("GET", "/_remote/info", NOT_ALLOWED),
                deny("GET", "/_tasks", NOT_ALLOWED),
                deny("GET", "/_snapshot", NOT_ALLOWED),
                deny("GET", "/_ingest/pipeline", NOT_ALLOWED),
                deny("PUT", "/_ingest/pipeline/to-b", NOT_ALLOWED),
                deny("GET", "/_security/_authenticate", NOT_ALLOWED),
                deny("GET", "/_plugins/_security/api/account", NOT_ALLOWED),
                deny("GET", "/_opendistro/_security/authinfo", NOT_ALLOWED),
                deny("GET", "/_cat", NOT_ALLOWED),
                deny("GET", "/_cat/nodes", NOT_ALLOWED),
                deny("GET", "/_cat/segments", NOT_ALLOWED),
                deny("GET", "/_cat/templates", NOT_ALLOWED),
                deny("GET", "/_cat/pit_segments", NOT_ALLOWED),
                deny("GET", "/_data_stream", NOT_ALLOWED),
                deny("PATCH", "/", "the HTTP method [PATCH]"),
                deny("OPTIONS", "/_search", "the HTTP method [OPTIONS]"),
                deny("TRACE", "/", "the HTTP method [TRACE]"),
                deny("DELETE", "/_search/scroll/_all", "[_all] search contexts"),
                deny("DELETE", "/_search/scroll/DXF1,_all", "[_all] search contexts"),
                deny("DELETE", "/_search/scroll?scroll_id=_all", "[_all] search contexts"),
                deny("DELETE", "/_search/point_in_time/_all", NOT_ALLOWED),
                deny("GET", "/_search/point_in_time/_all", NOT_ALLOWED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void readsAreNarrowedToTheReadPatterns(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> readsAreNarrowedToTheReadPatterns() {
        return Stream.of(
                checked("GET", "/_search", "/" + READ_A + "/_search"),
                checked("GET", "/_search/", "/" + READ_A + "/_search"),
                checked("POST", "/_search?q=level:error&size=5", "/" + READ_A + "/_search?q=level:error&size=5"),
                checked("GET", "/_all/_search", "/" + READ_A + "/_search"),
                checked("GET", "/*/_search", "/" + READ_A + "/_search"),
                checked("GET", "/logs-*/_search", "/" + READ_A + "/_search"),
                checked("GET", "/logs-aa-00001*/_search", "/" + READ_A + "/_search"),
                checked("GET", "/logs-aa-00001-a-*/_search", "/" + READ_A + "/_search"),
                checked("GET", "/logs-aa-00001-a-2024.*/_search", "/" + IndexScoping.NOTHING + "/_search"),
                checked("GET", "/logs-aa-00001-a-x/_search", "/logs-aa-00001-a-x/_search"),
                checked("GET", "/*-a-*/_search", "/" + READ_A + "/_search"),
                // as Elasticsearch resolves it: the exclusion removes the indices' names, not the alias leading to them
                checked("GET", "/*,-logs-aa-00001-i-*/_search", "/" + READ_A + "/_search"),
                checked("GET", "/logs-*,-*-a-*/_search", "/" + READ_A + "/_search"),
                checked("GET", "/logs-aa-00001-i-*,-*-web/_search", "/logs-aa-00001-i-app/_search"),
                checked("GET", "/_search?expand_wildcards=all&ignore_unavailable=true&allow_no_indices=true",
                        "/" + READ_A + "/_search?expand_wildcards=all&ignore_unavailable=true&allow_no_indices=true"),
                checked("GET", "/_search?max_concurrent_shard_requests=5&routing=x&preference=_local",
                        "/" + READ_A + "/_search?max_concurrent_shard_requests=5&routing=x&preference=_local"),
                checked("POST", "/_async_search?wait_for_completion_timeout=2s",
                        "/" + READ_A + "/_async_search?wait_for_completion_timeout=2s"),
                checked("POST", "/logs-aa-00001-i-*/_async_search", "/" + READ_A + "/_async_search"),
                checked("GET", "/_count", "/" + READ_A + "/_count"),
                checked("POST", "/logs-*/_count", "{\"query\":{\"match_all\":{}}}", "/" + READ_A + "/_count"),
                checked("GET", "/_field_caps?fields=*", "/" + READ_A + "/_field_caps?fields=*"),
                checked("POST", "/logs-aa-00001-a-*/_field_caps?fields=*", "/" + READ_A + "/_field_caps?fields=*"),
                checked("GET", "/_validate/query?explain", "/" + READ_A + "/_validate/query?explain"),
                checked("POST", "/logs-aa-00001-a-*/_pit?keep_alive=1m", "/" + READ_A + "/_pit?keep_alive=1m"),
                forward("POST", "/*/_search/point_in_time?keep_alive=1m",
                        "/" + READ_A + "/_search/point_in_time?keep_alive=1m"),
                forward("GET", "/_mapping", "/" + READ_A + "/_mapping"),
                forward("GET", "/logs-aa-00001-a-*/_mapping", "/" + READ_A + "/_mapping"),
                forward("GET", "/logs-aa-00001-a-*/_mapping?expand_wildcards=none", "/" + IndexScoping.NOTHING + "/_mapping?expand_wildcards=none"),
                forward("GET", "/_mapping/field/message,level", "/" + READ_A + "/_mapping/field/message,level"),
                forward("GET", "/_settings", "/" + READ_A + "/_settings"),
                forward("GET", "/_settings/index.number_of_shards", "/" + READ_A + "/_settings/index.number_of_shards"),
                forward("GET", "/_alias", "/" + READ_A + "/_alias"),
                forward("GET", "/_aliases", "/" + READ_A + "/_alias"),
                forward("GET", "/_alias/logs-bb-00002-a-shared", "/" + READ_A + "/_alias/logs-bb-00002-a-shared"),
                forward("GET", "/_stats", "/" + READ_A + "/_stats"),
                forward("GET", "/_stats/docs,store", "/" + READ_A + "/_stats/docs,store"),
                forward("GET", "/_segments", "/" + READ_A + "/_segments"),
                forward("GET", "/_recovery", "/" + READ_A + "/_recovery"),
                forward("GET", "/_shard_stores", "/" + READ_A + "/_shard_stores"),
                forward("GET", "/_all", "/" + READ_A),
                forward("GET", "/*", "/" + READ_A),
                forward("HEAD", "/logs-aa-00001-a-x", "/logs-aa-00001-a-x"),
                forward("GET", "/logs-aa-00001-a-x/_doc/1", "/logs-aa-00001-a-x/_doc/1"),
                forward("HEAD", "/logs-aa-00001-a-x/_doc/1?routing=r", "/logs-aa-00001-a-x/_doc/1?routing=r"),
                forward("GET", "/logs-aa-00001-a-x/_source/1", "/logs-aa-00001-a-x/_source/1"),
                checked("GET", "/logs-aa-00001-a-x/_explain/1", "/logs-aa-00001-a-x/_explain/1"),
                checked("GET", "/logs-aa-00001-a-x/_termvectors/1", "/logs-aa-00001-a-x/_termvectors/1"),
                forward("GET", "/_resolve/index/*", "/_resolve/index/logs-aa-00001-a-all," + READ_A),
                forward("GET", "/_resolve/index/logs-aa-00001-i-*", "/_resolve/index/" + READ_A),
                forward("GET", "/_cat/indices", "/_cat/indices/" + READ_A),
                forward("GET", "/_cat/indices?v&h=index,docs.count&s=index", "/_cat/indices/" + READ_A + "?v&h=index,docs.count&s=index"),
                forward("GET", "/_cat/indices/logs-*", "/_cat/indices/" + READ_A),
                forward("GET", "/_cat/count", "/_cat/count/" + READ_A),
                forward("GET", "/_cat/count/logs-aa-00001-i-x", "/_cat/count/logs-aa-00001-i-x"),
                forward("GET", "/_cat/shards", "/_cat/shards/" + READ_A),
                forward("GET", "/_cat/aliases?v", "/_cat/aliases/logs-aa-00001-a-all?v"),
                forward("GET", "/_cat/aliases/*", "/_cat/aliases/logs-aa-00001-a-all"),
                forward("GET", "/_cat/aliases/logs-aa-00001-i-*", "/_cat/aliases/" + IndexScoping.NOTHING));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void readsBeyondTheReadPatternsAreRefused(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> readsBeyondTheReadPatternsAreRefused() {
        return Stream.of(
                deny("GET", "/logs-bb-00002-a-x/_search", "[logs-bb-00002-a-x] " + OUTSIDE),
                deny("GET", "/logs-bb-*/_search", "matches no index this token may read"),
                deny("GET", "/logs-aa-00001-a-x,logs-bb-00002-a-x/_search", "[logs-bb-00002-a-x]"),
                deny("GET", "/logs-aa-00001-a-evil/_search", "leads to indices this token may not read"),
                deny("GET", "/logs-aa-000010-a-x/_search", OUTSIDE),
                deny("GET", "/logs-aa-000010*/_search", "matches no index"),
                deny("GET", "/-logs-bb-00002-a-x/_search", "must follow a wildcard"),
                deny("GET", "/logs-aa-00001-a-x,-logs-aa-00001-a-y/_search", "must follow a wildcard"),
                deny("GET", "/LOGS-AA-00001-A-X/_search", OUTSIDE),
                deny("GET", "/.kibana/_search", OUTSIDE),
                deny("GET", "/logs-bb-00002-i-x/_count", OUTSIDE),
                deny("GET", "/logs-bb-00002-a-*/_field_caps", "matches no index"),
                deny("GET", "/logs-bb-00002-a-*/_mapping", "matches no index"),
                deny("GET", "/logs-bb-00002-a-x/_alias", OUTSIDE),
                deny("GET", "/logs-bb-00002-a-*/_stats", "matches no index"),
                deny("HEAD", "/logs-bb-00002-a-x", OUTSIDE),
                deny("GET", "/logs-bb-00002-a-x/_doc/1", OUTSIDE),
                deny("GET", "/logs-aa-00001-a-*/_doc/1", "exactly one index"),
                deny("GET", "/logs-aa-00001-a-x,logs-aa-00001-a-y/_source/1", "exactly one index"),
                deny("POST", "/logs-bb-00002-a-x/_explain/1", OUTSIDE),
                deny("POST", "/logs-bb-00002-a-*/_pit?keep_alive=1m", "matches no index"),
                deny("POST", "/logs-bb-00002-a-*/_search/point_in_time", "matches no index"),
                deny("GET", "/_resolve/index/logs-bb-*", "matches no index"),
                deny("GET", "/_resolve/index/remote:*", "remote cluster"),
                deny("GET", "/_resolve/cluster/*", NOT_ALLOWED),
                deny("GET", "/_cat/indices/logs-bb-00002-*", "matches no index"),
                deny("GET", "/_cat/count/logs-bb-00002-i-x", OUTSIDE),
                deny("GET", "/_cat/shards/logs-bb-00002-*", "matches no index"),
                deny("GET", "/logs-aa-00001-a-x/_search_shards", NOT_ALLOWED),
                deny("GET", "/logs-aa-00001-a-x/anytype/_search", NOT_ALLOWED),
                deny("GET", "/_analyze?index=logs-bb-00002-a-x", NOT_ALLOWED),
                deny("GET", "/_search?index=logs-bb-00002-a-x", "unrecognized parameter: [index]"),
                deny("GET", "/_search?size=1;index=logs-bb-00002-a-x", "unrecognized parameter: [index]"),
                deny("POST", "/_mget?realtime=true;index=logs-bb-00002-i-app", "unrecognized parameter: [index]"),
                deny("GET", "/_search?size=1&size=2", "given twice"),
                deny("GET", "/_search?source=%7B%7D", "unrecognized parameter: [source]"));
    }
}
