package io.logstokengateway.scope;

import static io.logstokengateway.scope.ScopeCase.bodyDenied;
import static io.logstokengateway.scope.ScopeCase.checked;
import static io.logstokengateway.scope.ScopeCase.rewritten;
import static io.logstokengateway.scope.ScopeCase.deny;
import static io.logstokengateway.scope.ScopeRulesTest.A;
import static io.logstokengateway.scope.ScopeRulesTest.OUTSIDE;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Index definitions, mappings, settings, templates and reindex, run as service A ({@code logs-aa-00001}). */
class ScopeDefinitionsTest {

    private static final String MAY_WRITE = "is outside the indices this token may write";
    private static final String SEARCH = "{\"query\":{\"match_all\":{}}}";

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void indexDefinitionsAndTemplatesStayWithinTheWritePatterns(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> indexDefinitionsAndTemplatesStayWithinTheWritePatterns() {
        String mine = "\"index_patterns\":[\"logs-aa-00001-i-*\"]";
        return Stream.of(
                checked("PUT", "/logs-aa-00001-i-new", "", "/logs-aa-00001-i-new"),
                checked("PUT", "/logs-aa-00001-i-new", "{\"settings\":{\"number_of_shards\":1},\"aliases\":{}}",
                        "/logs-aa-00001-i-new"),
                bodyDenied("PUT", "/logs-aa-00001-i-new", "{\"aliases\":{\"logs-bb-00002-a-evil\":{}}}", "outside the names"),
                checked("PUT", "/logs-aa-00001-i-new_1", "{\"aliases\":{\"logs-aa-00001-i-new\":{\"is_write_index\":true}}}",
                        "/logs-aa-00001-i-new_1"),
                bodyDenied("PUT", "/logs-aa-00001-i-new", "{\"aliases\":{\"logs-aa-00001-a-mine\":{}}}", "outside the names"),
                bodyDenied("PUT", "/logs-aa-00001-i-new", "{\"aliases\":{\"logs-aa-00001-i-*\":{}}}", "not allowed here"),
                bodyDenied("PUT", "/logs-aa-00001-i-new", "{\"aliases\":{\"logs-aa-00001-i-f\":{\"filter\":{\"terms\":{\"user\":"
                        + "{\"index\":\"logs-bb-00002-i-x\",\"id\":\"1\",\"path\":\"u\"}}}}}}", "logs-bb-00002-i-x"),
                bodyDenied("PUT", "/logs-aa-00001-i-new", "{\"settings\":{\"index\":{\"default_pipeline\":\"to-b\"}}}",
                        "default_pipeline"),
                checked("PUT", "/logs-aa-00001-i-x/_mapping", "{\"properties\":{\"type\":{\"type\":\"keyword\"},"
                        + "\"index\":{\"type\":\"keyword\",\"index\":false}}}", "/logs-aa-00001-i-x/_mapping"),
                bodyDenied("PUT", "/logs-aa-00001-i-x/_mapping", "{\"properties\":{\"q\":{\"type\":\"percolator\"}}}",
                        "[percolator] fields"),
                bodyDenied("PUT", "/logs-aa-00001-i-x/_mapping", "{\"runtime\":{\"u\":{\"type\":\"lookup\","
                        + "\"target_index\":\"logs-bb-00002-a-users\"}}}", "fields are not allowed"),
                bodyDenied("PUT", "/logs-aa-00001-i-new", "{\"settings\":{\"analysis\":{\"filter\":{\"s\":{"
                        + "\"type\":\"synonym\",\"synonyms_path\":\"/etc/passwd\"}}}}}", "synonyms_path"),
                bodyDenied("PUT", "/logs-aa-00001-i-new", "{\"settings\":{\"index.analysis.filter.s.stopwords_path\":"
                        + "\"x\"}}", "stopwords_path"),
                checked("PUT", "/logs-aa-00001-i-x/_settings", "{\"index\":{\"number_of_replicas\":0}}",
                        "/logs-aa-00001-i-x/_settings"),
                bodyDenied("PUT", "/logs-aa-00001-i-x/_settings", "{\"index.final_pipeline\":\"to-b\"}", "final_pipeline"),
                deny("PUT", "/logs-bb-00002-i-x/_settings", MAY_WRITE),
                checked("POST", "/logs-aa-00001-i-*/_delete_by_query", SEARCH, "/logs-aa-00001-i-app,logs-aa-00001-i-web/_delete_by_query"),
                bodyDenied("POST", "/logs-aa-00001-i-x/_update_by_query", "{\"query\":{\"terms\":{\"u\":{\"index\":"
                        + "\"logs-bb-00002-a-x\",\"id\":\"1\",\"path\":\"p\"}}}}", OUTSIDE),
                checked("PUT", "/_index_template/logs-aa-00001-i-tpl", "{" + mine + ",\"priority\":500,"
                        + "\"template\":{\"settings\":{\"number_of_shards\":1}}}", "/_index_template/logs-aa-00001-i-tpl"),
                checked("PUT", "/_index_template/logs-aa-00001-i-tpl", "{\"index_patterns\":\"logs-aa-00001-i-app-*\"}",
                        "/_index_template/logs-aa-00001-i-tpl"),
                bodyDenied("PUT", "/_index_template/logs-aa-00001-i-tpl", "{\"index_patterns\":[\"logs-*\"]}", MAY_WRITE),
                bodyDenied("PUT", "/_index_template/logs-aa-00001-i-tpl", "{\"index_patterns\":[\"logs-bb-00002-i-*\"]}",
                        MAY_WRITE),
                bodyDenied("PUT", "/_index_template/logs-aa-00001-i-tpl", "{\"index_patterns\":[\"logs-aa-00001*\"]}",
                        MAY_WRITE),
                bodyDenied("PUT", "/_index_template/logs-aa-00001-i-tpl", "{" + mine + ",\"template\":{\"aliases\":"
                        + "{\"logs-bb-00002-a-feed\":{}}}}", "aliases in templates"),
                bodyDenied("PUT", "/_index_template/logs-aa-00001-i-tpl", "{" + mine + ",\"composed_of\":[\"platform\"]}",
                        "outside the names this token may manage"),
                bodyDenied("PUT", "/_index_template/logs-aa-00001-i-tpl", "{\"template\":{}}", "needs [index_patterns]"),
                bodyDenied("PUT", "/_index_template/logs-aa-00001-i-tpl", "", "needs a body"),
                deny("PUT", "/_index_template/logs-bb-00002-i-tpl", "outside the names this token may manage"),
                deny("PUT", "/_index_template/shared", "outside the names this token may manage"),
                deny("PUT", "/_index_template/logs-aa-00001-i-*", "is not allowed here"),
                checked("PUT", "/_template/logs-aa-00001-i-legacy", "{" + mine + ",\"order\":1}",
                        "/_template/logs-aa-00001-i-legacy"),
                bodyDenied("PUT", "/_template/logs-aa-00001-i-legacy", "{\"template\":\"logs-bb-00002-i-*\"}", MAY_WRITE),
                bodyDenied("PUT", "/_template/logs-aa-00001-i-legacy", "{" + mine + ",\"aliases\":{\"x\":{}}}",
                        "aliases in templates"),
                checked("PUT", "/_component_template/logs-aa-00001-i-mappings", "{\"template\":{\"mappings\":{}}}",
                        "/_component_template/logs-aa-00001-i-mappings"),
                bodyDenied("PUT", "/_component_template/logs-aa-00001-i-aliases", "{\"template\":{\"aliases\":"
                        + "{\"logs-bb-00002-a-feed\":{}}}}", "aliases in templates"),
                ScopeCase.forward("GET", "/_index_template", "/_index_template/logs-aa-00001-i-*"),
                ScopeCase.forward("GET", "/_component_template", "/_component_template/logs-aa-00001-i-*"),
                ScopeCase.forward("GET", "/_template", "/_template/logs-aa-00001-i-*"),
                ScopeCase.forward("GET", "/_index_template/logs-aa-00001-i-*", "/_index_template/logs-aa-00001-i-*"),
                ScopeCase.forward("HEAD", "/_template/logs-aa-00001-i-legacy", "/_template/logs-aa-00001-i-legacy"),
                ScopeCase.forward("DELETE", "/_template/logs-aa-00001-i-legacy", "/_template/logs-aa-00001-i-legacy"),
                deny("GET", "/_index_template/logs-bb-00002-i-tpl", "outside the names"),
                deny("GET", "/_index_template/*", "outside the names"),
                deny("DELETE", "/_index_template/logs-bb-00002-i-tpl", "outside the names"),
                deny("POST", "/_index_template/_simulate", "invalid index name"),
                deny("POST", "/_index_template/_simulate_index/logs-aa-00001-i-x", "is not allowed through the gateway"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void reindexReadsFromReadableAndWritesToWritableIndices(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> reindexReadsFromReadableAndWritesToWritableIndices() {
        String dest = "\"dest\":{\"index\":\"logs-aa-00001-i-copy\"}";
        return Stream.of(
                checked("POST", "/_reindex", "{\"source\":{\"index\":\"logs-aa-00001-a-x\"}," + dest + "}", "/_reindex"),
                // a wildcard source is forwarded as the concrete indices it reaches
                rewritten("POST", "/_reindex?wait_for_completion=false", "{\"source\":{\"index\":[\"logs-aa-00001-a-*\","
                        + "\"logs-aa-00001-i-x\"],\"query\":{\"match_all\":{}}}," + dest + ",\"conflicts\":\"proceed\"}",
                        "/_reindex?wait_for_completion=false", "{\"source\":{\"index\":[\"logs-aa-00001-i-app\","
                        + "\"logs-aa-00001-i-web\",\"logs-aa-00001-i-x\"],\"query\":{\"match_all\":{}}}," + dest
                        + ",\"conflicts\":\"proceed\"}"),
                rewritten("POST", "/_reindex", "{\"source\":{\"index\":\"*\"}," + dest + "}", "/_reindex",
                        "{\"source\":{\"index\":[\"logs-aa-00001-i-app\",\"logs-aa-00001-i-web\"]}," + dest + "}"),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":\"logs-aa-00001-a-evil\"}," + dest + "}",
                        "leads to indices this token may not read"),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":\"logs-bb-00002-a-x\"}," + dest + "}", OUTSIDE),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":[\"logs-aa-00001-a-x\",\"logs-bb-00002-a-x\"]},"
                        + dest + "}", OUTSIDE),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":[]}," + dest + "}", "every index"),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":\"logs-aa-00001-a-x\"},"
                        + "\"dest\":{\"index\":\"logs-bb-00002-i-x\"}}", MAY_WRITE),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":\"logs-aa-00001-a-x\",\"remote\":{\"host\":"
                        + "\"http://elsewhere:9200\"}}," + dest + "}", "remote"),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":\"logs-aa-00001-a-x\"}," + dest
                        + ",\"script\":{\"source\":\"ctx._index='logs-bb-00002-i-x'\"}}", "[script]"),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":\"logs-aa-00001-a-x\"},"
                        + "\"dest\":{\"index\":\"logs-aa-00001-i-copy\",\"pipeline\":\"to-b\"}}", "[pipeline]"),
                bodyDenied("POST", "/_reindex", "{\"source\":{\"index\":\"logs-aa-00001-a-x\",\"query\":{\"terms\":{\"u\":"
                        + "{\"index\":\"logs-bb-00002-a-x\",\"id\":\"1\",\"path\":\"p\"}}}}," + dest + "}", OUTSIDE),
                bodyDenied("POST", "/_reindex", "", "needs a body"));
    }
}
