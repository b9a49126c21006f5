package io.logstokengateway.scope;

import java.util.HashSet;
import java.util.Set;

/**
 * The query parameters each route takes: those OpenSearch 2.19 and Elasticsearch 8.17 document for the endpoint,
 * minus those the gateway will not forward. Left out on purpose: {@code index} (a path part read from the query),
 * {@code source} (a whole body past the body checks), {@code pipeline} and {@code search_pipeline} (a pipeline can
 * send documents elsewhere or rewrite a search), and anything undocumented.
 */
final class Parameters {

    /** Taken by every request: output formatting only. */
    static final Set<String> COMMON = Set.of("pretty", "human", "error_trace", "filter_path");
    static final Set<String> NONE = Set.of();
    /**
     * Common flags whose value the upstream parses while it writes its answer: OpenSearch never answers a request
     * whose {@code error_trace} is not a boolean, so such a value is refused here rather than tying up a connection.
     */
    static final Set<String> COMMON_BOOLEANS = Set.of("pretty", "human", "error_trace");

    private static final Set<String> WILDCARDS = Set.of("ignore_unavailable", "allow_no_indices", "expand_wildcards");
    private static final Set<String> QUERY_STRING = Set.of("q", "df", "analyzer", "analyze_wildcard", "default_operator",
            "lenient");
    private static final Set<String> SOURCE = Set.of("_source", "_source_excludes", "_source_includes");
    private static final Set<String> MASTER = Set.of("master_timeout", "cluster_manager_timeout");
    private static final Set<String> ACKNOWLEDGED = union(MASTER, Set.of("timeout"));

    static final Set<String> SEARCH = union(WILDCARDS, QUERY_STRING, SOURCE, Set.of("ccs_minimize_roundtrips",
            "explain", "stored_fields", "docvalue_fields", "from", "ignore_throttled", "preference", "routing", "scroll",
            "search_type", "size", "sort", "terminate_after", "stats", "suggest_field", "suggest_mode", "suggest_size",
            "suggest_text", "timeout", "track_scores", "track_total_hits", "allow_partial_search_results", "typed_keys",
            "version", "seq_no_primary_term", "request_cache", "batched_reduce_size", "max_concurrent_shard_requests",
            "pre_filter_shard_size", "rest_total_hits_as_int", "include_named_queries_score", "min_compatible_shard_node"));
    static final Set<String> ASYNC_SEARCH = union(without(SEARCH, "scroll"), Set.of("wait_for_completion_timeout",
            "keep_on_completion", "keep_alive"));
    static final Set<String> ASYNC_SEARCH_GET = Set.of("wait_for_completion_timeout", "keep_alive", "typed_keys");
    static final Set<String> ASYNC_SEARCH_STATUS = Set.of("keep_alive");
    static final Set<String> COUNT = union(WILDCARDS, QUERY_STRING, Set.of("ignore_throttled", "min_score",
            "preference", "routing", "terminate_after"));
    static final Set<String> FIELD_CAPS = union(WILDCARDS, Set.of("fields", "include_unmapped", "filters", "types",
            "include_empty_fields"));
    static final Set<String> VALIDATE_QUERY = union(WILDCARDS, QUERY_STRING, Set.of("explain", "rewrite", "all_shards"));
    static final Set<String> MSEARCH = union(WILDCARDS, Set.of("search_type", "max_concurrent_searches", "typed_keys",
            "pre_filter_shard_size", "max_concurrent_shard_requests", "rest_total_hits_as_int", "ccs_minimize_roundtrips",
            "ignore_throttled", "routing", "include_named_queries_score"));
    static final Set<String> MGET = union(SOURCE, Set.of("stored_fields", "preference", "realtime", "refresh", "routing"));
    static final Set<String> MTERMVECTORS = Set.of("ids", "term_statistics", "field_statistics", "fields", "offsets",
            "positions", "payloads", "preference", "routing", "realtime", "version", "version_type");
    static final Set<String> TERMVECTORS = without(MTERMVECTORS, "ids");
    static final Set<String> GET_DOCUMENT = union(MGET, Set.of("version", "version_type"));
    static final Set<String> GET_SOURCE = without(GET_DOCUMENT, "stored_fields");
    static final Set<String> EXPLAIN = union(QUERY_STRING, SOURCE, Set.of("stored_fields", "preference", "routing"));
    static final Set<String> GET_INDEX = union(WILDCARDS, MASTER, Set.of("local", "features", "flat_settings",
            "include_defaults"));
    static final Set<String> GET_MAPPING = union(WILDCARDS, MASTER, Set.of("local"));
    static final Set<String> GET_FIELD_MAPPING = union(WILDCARDS, Set.of("include_defaults", "local"));
    static final Set<String> GET_SETTINGS = union(WILDCARDS, MASTER, Set.of("flat_settings", "local", "include_defaults"));
    static final Set<String> GET_ALIAS = union(WILDCARDS, Set.of("local"));
    static final Set<String> STATS = Set.of("completion_fields", "fielddata_fields", "fields", "groups", "level",
            "include_segment_file_sizes", "include_unloaded_segments", "expand_wildcards", "forbid_closed_indices");
    static final Set<String> SEGMENTS = union(WILDCARDS, Set.of("verbose"));
    static final Set<String> RECOVERY = union(WILDCARDS, Set.of("detailed", "active_only"));
    static final Set<String> SHARD_STORES = union(WILDCARDS, Set.of("status"));
    static final Set<String> RESOLVE_INDEX = WILDCARDS;
    /** OpenSearch's {@code POST /{index}/_search/point_in_time}. */
    static final Set<String> CREATE_PIT = Set.of("allow_partial_pit_creation", "keep_alive", "preference", "routing");
    /** Elasticsearch's {@code POST /{index}/_pit}. */
    static final Set<String> OPEN_PIT = Set.of("preference", "routing", "ignore_unavailable", "expand_wildcards",
            "keep_alive", "allow_partial_search_results", "max_concurrent_shard_requests");
    static final Set<String> SCROLL = Set.of("scroll", "scroll_id", "rest_total_hits_as_int");
    static final Set<String> CLEAR_SCROLL = Set.of("scroll_id");

    private static final Set<String> CAT = Set.of("format", "h", "help", "s", "v");
    static final Set<String> CAT_INDICES = union(CAT, MASTER, Set.of("bytes", "local", "health", "pri", "time",
            "include_unloaded_segments", "expand_wildcards"));
    static final Set<String> CAT_COUNT = CAT;
    static final Set<String> CAT_SHARDS = union(CAT, MASTER, Set.of("bytes", "local", "time"));
    static final Set<String> CAT_ALIASES = union(CAT, Set.of("local", "expand_wildcards"));
    static final Set<String> CAT_HEALTH = union(CAT, Set.of("time", "ts", "bytes"));
    static final Set<String> CLUSTER_HEALTH = union(MASTER, Set.of("expand_wildcards", "level", "local", "timeout",
            "wait_for_active_shards", "wait_for_nodes", "wait_for_events", "wait_for_no_relocating_shards",
            "wait_for_no_initializing_shards", "wait_for_status", "awareness_attribute", "ensure_node_weighed_in"));
    static final Set<String> CLUSTER_SETTINGS = union(ACKNOWLEDGED, Set.of("flat_settings", "include_defaults"));
    static final Set<String> NODES_INFO = Set.of("flat_settings", "timeout");
    static final Set<String> XPACK = Set.of("categories", "accept_enterprise");
    static final Set<String> LICENSE = Set.of("local", "accept_enterprise");

    private static final Set<String> DOCUMENT_WRITE = Set.of("wait_for_active_shards", "refresh", "routing", "timeout");
    static final Set<String> INDEX_DOCUMENT = union(DOCUMENT_WRITE, Set.of("op_type", "version", "version_type",
            "if_seq_no", "if_primary_term", "require_alias", "require_data_stream", "include_source_on_error"));
    static final Set<String> CREATE_DOCUMENT = union(DOCUMENT_WRITE, Set.of("version", "version_type", "require_alias",
            "require_data_stream", "include_source_on_error"));
    static final Set<String> UPDATE_DOCUMENT = union(DOCUMENT_WRITE, SOURCE, Set.of("lang", "retry_on_conflict",
            "if_seq_no", "if_primary_term", "require_alias"));
    static final Set<String> DELETE_DOCUMENT = union(DOCUMENT_WRITE, Set.of("if_seq_no", "if_primary_term", "version",
            "version_type"));
    static final Set<String> BULK = union(DOCUMENT_WRITE, SOURCE, Set.of("require_alias", "require_data_stream",
            "list_executed_pipelines", "include_source_on_error", "batch_size"));
    static final Set<String> CREATE_INDEX = union(ACKNOWLEDGED, Set.of("wait_for_active_shards"));
    static final Set<String> DELETE_INDEX = union(ACKNOWLEDGED, WILDCARDS);
    static final Set<String> PUT_MAPPING = union(ACKNOWLEDGED, WILDCARDS, Set.of("write_index_only"));
    static final Set<String> PUT_SETTINGS = union(ACKNOWLEDGED, WILDCARDS, Set.of("preserve_existing", "flat_settings"));
    static final Set<String> REFRESH = WILDCARDS;
    static final Set<String> FLUSH = union(WILDCARDS, Set.of("force", "wait_if_ongoing"));
    static final Set<String> DELETE_BY_QUERY = union(WILDCARDS, QUERY_STRING, SOURCE, Set.of("from", "conflicts",
            "preference", "routing", "scroll", "search_type", "search_timeout", "size", "max_docs", "sort",
            "terminate_after", "stats", "version", "request_cache", "refresh", "timeout", "wait_for_active_shards",
            "scroll_size", "wait_for_completion", "requests_per_second", "slices"));
    static final Set<String> UPDATE_BY_QUERY = union(DELETE_BY_QUERY, Set.of("version_type"));
    static final Set<String> REINDEX = Set.of("refresh", "timeout", "wait_for_active_shards", "wait_for_completion",
            "requests_per_second", "scroll", "slices", "max_docs", "require_alias");
    static final Set<String> ALIASES = ACKNOWLEDGED;
    static final Set<String> GET_INDEX_TEMPLATE = union(MASTER, Set.of("flat_settings", "local", "include_defaults"));
    static final Set<String> GET_TEMPLATE = union(MASTER, Set.of("flat_settings", "local"));
    static final Set<String> PUT_INDEX_TEMPLATE = union(MASTER, Set.of("create", "cause"));
    static final Set<String> PUT_COMPONENT_TEMPLATE = union(ACKNOWLEDGED, Set.of("create", "cause"));
    static final Set<String> PUT_TEMPLATE = union(MASTER, Set.of("order", "create"));
    static final Set<String> DELETE_TEMPLATE = ACKNOWLEDGED;

    private Parameters() {
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }

    private static Set<String> without(Set<String> set, String name) {
        Set<String> out = new HashSet<>(set);
        out.remove(name);
        return Set.copyOf(out);
    }
}
