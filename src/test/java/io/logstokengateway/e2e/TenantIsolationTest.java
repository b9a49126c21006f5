package io.logstokengateway.e2e;

import io.logstokengateway.e2e.IsolationRequest.Expected;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;
import static io.logstokengateway.e2e.IsolationRequest.Expected.ALLOWED;
import static io.logstokengateway.e2e.IsolationRequest.Expected.DENIED;
import static io.logstokengateway.e2e.IsolationRequest.Expected.NARROWED;
import static io.logstokengateway.e2e.IsolationRequest.Expected.SAFE;
import static io.logstokengateway.e2e.IsolationRequest.get;
import static io.logstokengateway.e2e.IsolationRequest.json;
import static io.logstokengateway.e2e.IsolationRequest.ndjson;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two tenants (and a third whose name extends the first's) share one real OpenSearch. Service A's token sends
 * every request form in {@link #forms()}: each must be allowed, narrowed or refused as stated, and no answer may
 * ever hold a document of another tenant, nor the name of another tenant's index that the request did not name.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class TenantIsolationTest {

    static final String A = "logs-aa-00001";
    static final String B = "logs-bb-00002";
    /** A tenant whose username starts with A's: A's patterns must not reach it. */
    static final String C = "logs-aa-000010";
    static final List<String> OTHER_TENANTS_NAMES = List.of(B + "-i-app", B + "-i-hidden", B + "-a-all", C + "-i-app");
    static final List<String> OTHER_TENANTS_DOCUMENTS = List.of("BMARKER", "CMARKER");
    static String tokenA;

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void setUpOnce() {
        if (tokenA != null) {
            return;
        }
        OpenSearchServer os = OpenSearchServer.get();
        os.index(A + "-i-app", "a1", "{\"message\":\"AMARKER first\",\"timestamp\":\"2026-11-28T00:00:00Z\",\"level\":\"INFO\"}");
        os.index(A + "-i-web", "a2", "{\"message\":\"AMARKER second\",\"timestamp\":\"2026-11-28T00:00:01Z\",\"level\":\"ERROR\"}");
        os.index(B + "-i-app", "b1", "{\"message\":\"BMARKER first\",\"timestamp\":\"2026-11-28T00:00:00Z\",\"level\":\"INFO\"}");
        os.index(B + "-i-hidden", "b2", "{\"message\":\"BMARKER hidden\",\"timestamp\":\"2026-11-28T00:00:00Z\",\"level\":\"INFO\"}");
        os.index(C + "-i-app", "c1", "{\"message\":\"CMARKER first\",\"timestamp\":\"2026-11-28T00:00:00Z\",\"level\":\"INFO\"}");
        os.request("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + A + "-i-*\",\"alias\":\"" + A + "-a-all\"}},"
                + "{\"add\":{\"index\":\"" + B + "-i-*\",\"alias\":\"" + B + "-a-all\"}}]}");
        Gateway.catalogCaughtUp();
        Gateway.provision("ldp-aa-00001", A, SecretsInLogs.remember("Tenant-A-Password-1"), Map.of());
        Gateway.provision("ldp-bb-00002", B, SecretsInLogs.remember("Tenant-B-Password-1"), Map.of());
        Gateway.provision("ldp-aa-000010", C, SecretsInLogs.remember("Tenant-C-Password-1"), Map.of());
        tokenA = Gateway.createToken("ldp-aa-00001", "isolation")[1];
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    @Test
    void serviceAReachesOnlyItsOwnIndices() {
        List<IsolationRequest> forms = forms();
        List<String> failures = new ArrayList<>();
        int allowed = 0;
        int narrowed = 0;
        int denied = 0;
        int safe = 0;
        for (IsolationRequest form : forms) {
            HttpResponse<String> response = send(form);
            String problem = check(form, response);
            if (problem != null) {
                failures.add(form + " -> " + response.statusCode() + ": " + problem + " | " + abbreviate(response.body()));
            }
            switch (form.expected()) {
                case ALLOWED -> allowed++;
                case NARROWED -> narrowed++;
                case DENIED -> denied++;
                case SAFE -> safe++;
            }
        }
        System.out.printf("ISOLATION %d request forms: %d allowed, %d narrowed, %d denied, %d other-safe; %d failed%n",
                forms.size(), allowed, narrowed, denied, safe, failures.size());
        assertTrue(forms.size() >= 150, "only " + forms.size() + " forms");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + forms.size() + " forms misbehaved:\n" + String.join("\n", failures));
        }
    }

    private HttpResponse<String> send(IsolationRequest form) {
        HttpRequest.Builder builder = Http.request(listeners.searchPort(), form.path()).header("Authorization", basic(tokenA, "token"));
        if (form.contentType() != null) {
            builder.header("Content-Type", form.contentType());
        }
        builder.method(form.method(), form.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form.body()));
        return Http.send(builder.build());
    }

    /** What is wrong with the answer, or null. */
    private static String check(IsolationRequest form, HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        for (String document : OTHER_TENANTS_DOCUMENTS) {
            if (body.contains(document)) {
                return "another tenant's document leaked";
            }
        }
        String asked = URLDecoder.decode(form.path().replace("+", "%2B"), StandardCharsets.UTF_8) + (form.body() == null ? "" : form.body());
        for (String name : OTHER_TENANTS_NAMES) {
            if (body.contains(name) && !asked.contains(name)) {
                return "another tenant's index name leaked: " + name;
            }
        }
        int status = response.statusCode();
        return switch (form.expected()) {
            case ALLOWED, NARROWED -> status >= 200 && status < 300 ? null : "expected 2xx";
            case DENIED -> status == 403 && body.contains("security_exception") ? null : "expected a 403 security_exception";
            case SAFE -> null;
        };
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    /** Every request form, with what must happen to it. */
    static List<IsolationRequest> forms() {
        List<IsolationRequest> forms = new ArrayList<>();
        String ownIndex = A + "-i-app";
        String ownAlias = A + "-a-all";
        String foreignIndex = B + "-i-app";

        // Reads on index expressions, each through several read endpoints.
        Map<String, Expected> targets = new java.util.LinkedHashMap<>();
        targets.put(ownIndex, ALLOWED);
        targets.put(ownAlias, ALLOWED);
        targets.put(A + "-i-*", ALLOWED);
        targets.put(A + "-i-app," + A + "-i-web", ALLOWED);
        targets.put(A + "-i-*,-" + A + "-i-web", ALLOWED);
        targets.put("%3C" + A + "-i-app%3E", ALLOWED);
        targets.put("*", NARROWED);
        targets.put("_all", NARROWED);
        targets.put("logs-*", NARROWED);
        targets.put("*,-" + A + "-i-web", NARROWED);
        targets.put(A + "*", NARROWED);
        targets.put(foreignIndex, DENIED);
        targets.put(B + "-a-all", DENIED);
        targets.put(B + "-*", DENIED);
        targets.put(ownIndex + "," + foreignIndex, DENIED);
        targets.put("%6c" + "ogs-bb-00002-i-app", DENIED);
        targets.put("logs-bb-00002-i-%61pp", DENIED);
        targets.put("%3C" + B + "-i-%7Bnow%2Fd%7D%3E", DENIED);
        targets.put("%3C" + B + "-i-%7Bnow/d%7D%3E", DENIED);
        targets.put("remote:" + ownIndex, DENIED);
        targets.put("*:" + ownIndex, DENIED);
        targets.put(C + "-i-app", DENIED);
        targets.put(C + "-*", DENIED);
        targets.put(ownIndex + "%2C" + foreignIndex, DENIED);
        for (Map.Entry<String, Expected> target : targets.entrySet()) {
            String t = target.getKey();
            Expected e = target.getValue();
            forms.add(get("/" + t + "/_search?q=*", e));
            forms.add(json("POST", "/" + t + "/_search", "{\"query\":{\"match_all\":{}}}", e));
            forms.add(get("/" + t + "/_count", e));
            forms.add(get("/" + t + "/_field_caps?fields=*", e));
            forms.add(get("/" + t + "/_mapping", e));
            forms.add(get("/_cat/indices/" + t + "?format=json", e));
        }

        // Index-less reads are narrowed to the caller's indices.
        forms.add(get("/_search?q=*", NARROWED));
        forms.add(json("POST", "/_search", "{\"query\":{\"match_all\":{}},\"size\":100}", NARROWED));
        forms.add(get("/_count", NARROWED));
        forms.add(get("/_field_caps?fields=*", NARROWED));
        forms.add(get("/_mapping", NARROWED));
        forms.add(get("/_settings", NARROWED));
        forms.add(get("/_settings/index.number_of_shards", NARROWED));
        forms.add(get("/_cat/indices", NARROWED));
        forms.add(get("/_cat/indices?format=json&h=index", NARROWED));
        forms.add(get("/_resolve/index/*", NARROWED));
        forms.add(get("/_resolve/index/logs-*", NARROWED));
        forms.add(get("/_resolve/index/" + B + "-*", DENIED));
        forms.add(get("/_aliases", NARROWED));
        forms.add(get("/_alias", NARROWED));
        forms.add(get("/_cat/aliases?format=json", NARROWED));
        forms.add(get("/_cat/count", NARROWED));

        // Cluster-level reads Grafana and Kibana need.
        forms.add(get("/", ALLOWED));
        forms.add(new IsolationRequest("HEAD", "/", null, null, ALLOWED));
        forms.add(get("/_cluster/health", ALLOWED));
        forms.add(get("/_cluster/health?wait_for_status=yellow&timeout=1s", ALLOWED));
        forms.add(get("/_nodes?filter_path=nodes.*.version,nodes.*.http.publish_address,nodes.*.ip", ALLOWED));
        forms.add(get("/_nodes/_local", ALLOWED));
        forms.add(get("/_cluster/settings", ALLOWED));
        forms.add(get("/" + ownIndex + "/_doc/a1", ALLOWED));
        forms.add(new IsolationRequest("HEAD", "/" + ownIndex, null, null, ALLOWED));
        forms.add(get("/" + ownIndex + "/_settings", ALLOWED));

        // Statistics and template listings only ever show the caller's own indices and templates.
        for (String path : List.of("/_stats", "/_stats/docs", "/_segments", "/_recovery", "/_cat/shards", "/_cat/shards?format=json")) {
            forms.add(get(path, NARROWED));
        }
        for (String path : List.of("/_index_template", "/_template", "/_component_template")) {
            forms.add(get(path, SAFE)); // narrowed to the caller's template names: 404 while it has none
        }

        // What lists or touches other tenants' indices is refused.
        for (String path : List.of("/_cluster/state", "/_cluster/state/metadata",
                "/_tasks", "/_snapshot", "/_ingest/pipeline", "/_scripts/x", "/_nodes/stats", "/_nodes/hot_threads",
                "/_cat/segments", "/_cat/templates", "/_cat/thread_pool", "/_cat/recovery", "/_cat/nodes",
                "/" + foreignIndex + "/_stats", "/" + foreignIndex + "/_segments", "/" + foreignIndex + "/_doc/b1",
                "/" + B + "-i-hidden/_doc/b2", "/_plugins/_security/api/roles", "/_opendistro/_security/api/roles",
                "/_security/user", "/_search/template")) {
            forms.add(get(path, DENIED));
        }

        // _msearch: header index as a string, as an array, missing, or naming B.
        String query = "{\"query\":{\"match_all\":{}}}\n";
        forms.add(ndjson("/_msearch", "{\"index\":\"" + ownIndex + "\"}\n" + query, ALLOWED));
        forms.add(ndjson("/_msearch", "{\"index\":[\"" + ownIndex + "\",\"" + A + "-i-web\"]}\n" + query, ALLOWED));
        forms.add(ndjson("/_msearch?max_concurrent_shard_requests=5", "{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,\"index\":\""
                + A + "-a-all\"}\n" + query, ALLOWED));
        forms.add(ndjson("/_msearch", "{\"index\":\"*\"}\n" + query, NARROWED));
        forms.add(ndjson("/_msearch", "{\"index\":[\"logs-*\"]}\n" + query, NARROWED));
        forms.add(ndjson("/_msearch", "{}\n" + query, NARROWED));
        forms.add(ndjson("/" + ownIndex + "/_msearch", "{}\n" + query, ALLOWED));
        forms.add(ndjson("/_msearch", "{\"index\":\"" + foreignIndex + "\"}\n" + query, DENIED));
        forms.add(ndjson("/_msearch", "{\"index\":[\"" + ownIndex + "\",\"" + foreignIndex + "\"]}\n" + query, DENIED));
        forms.add(ndjson("/_msearch", "{\"index\":\"" + ownIndex + "\"}\n" + query + "{\"index\":\"" + B + "-a-all\"}\n" + query, DENIED));
        forms.add(ndjson("/" + ownIndex + "/_msearch", "{\"index\":\"" + foreignIndex + "\"}\n" + query, DENIED));
        forms.add(ndjson("/" + foreignIndex + "/_msearch", "{}\n" + query, DENIED));
        forms.add(ndjson("/_msearch", "{\"index\":\"" + ownIndex + "\"}\n{\"query\":{\"terms\":{\"message\":{\"index\":\"" + foreignIndex
                + "\",\"id\":\"b1\",\"path\":\"message\"}}}}\n", DENIED));
        forms.add(ndjson("/_msearch", "not json\n" + query, DENIED));

        // Search bodies that would read another index.
        forms.add(json("POST", "/" + ownIndex + "/_search", "{\"query\":{\"terms\":{\"message\":{\"index\":\"" + foreignIndex
                + "\",\"id\":\"b1\",\"path\":\"message\"}}}}", DENIED));
        forms.add(json("POST", "/" + ownIndex + "/_search", "{\"query\":{\"more_like_this\":{\"fields\":[\"message\"],\"like\":[{\"_index\":\""
                + foreignIndex + "\",\"_id\":\"b1\"}]}}}", DENIED));
        forms.add(json("POST", "/" + ownIndex + "/_search", "{\"query\":{\"terms\":{\"message\":{\"index\":\"" + A
                + "-i-web\",\"id\":\"a2\",\"path\":\"message\"}}}}", ALLOWED));
        forms.add(json("POST", "/" + ownIndex + "/_search", "{\"size\":0,\"aggs\":{\"by_level\":{\"terms\":{\"field\":\"level.keyword\"}}}}", ALLOWED));

        // _mget.
        forms.add(json("POST", "/_mget", "{\"docs\":[{\"_index\":\"" + ownIndex + "\",\"_id\":\"a1\"}]}", ALLOWED));
        forms.add(json("POST", "/" + ownIndex + "/_mget", "{\"ids\":[\"a1\"]}", ALLOWED));
        forms.add(json("POST", "/_mget", "{\"docs\":[{\"_index\":\"" + foreignIndex + "\",\"_id\":\"b1\"}]}", DENIED));
        forms.add(json("POST", "/" + ownIndex + "/_mget", "{\"docs\":[{\"_index\":\"" + foreignIndex + "\",\"_id\":\"b1\"}]}", DENIED));
        forms.add(json("POST", "/_mget", "{\"docs\":[{\"_id\":\"b1\"}]}", SAFE)); // no index at all: the upstream refuses it
        forms.add(json("POST", "/" + foreignIndex + "/_mget", "{\"ids\":[\"b1\"]}", DENIED));

        // Writes: only inside the write patterns (A's -i- indices), never aliases, never B.
        forms.add(json("PUT", "/" + A + "-i-written/_doc/w1?refresh=true", "{\"message\":\"AMARKER written\"}", ALLOWED));
        forms.add(json("POST", "/" + A + "-i-written/_doc?refresh=true", "{\"message\":\"AMARKER written\"}", ALLOWED));
        forms.add(json("POST", "/" + A + "-i-written/_update/w1", "{\"doc\":{\"level\":\"WARN\"}}", ALLOWED));
        forms.add(json("PUT", "/" + foreignIndex + "/_doc/x", "{\"message\":\"from A\"}", DENIED));
        forms.add(json("PUT", "/" + ownAlias + "/_doc/x", "{\"message\":\"into an alias\"}", DENIED));
        forms.add(json("PUT", "/" + A + "-a-new/_doc/x", "{\"message\":\"into the alias namespace\"}", DENIED));
        forms.add(json("PUT", "/%3C" + B + "-i-%7Bnow%2Fd%7D%3E/_doc/x", "{\"m\":1}", DENIED));
        forms.add(json("PUT", "/%3C" + A + "-i-dm-%7Bnow%2Fd%7D%3E/_doc/x", "{\"m\":1}", ALLOWED));
        forms.add(json("PUT", "/" + A + "-i-*/_doc/x", "{\"m\":1}", DENIED));
        forms.add(new IsolationRequest("DELETE", "/" + foreignIndex + "/_doc/b1", null, null, DENIED));
        forms.add(new IsolationRequest("DELETE", "/" + foreignIndex, null, null, DENIED));
        forms.add(new IsolationRequest("DELETE", "/_all", null, null, DENIED));
        forms.add(new IsolationRequest("DELETE", "/*", null, null, DENIED));
        forms.add(new IsolationRequest("DELETE", "/" + A + "-i-*", null, null, DENIED));
        forms.add(json("PUT", "/" + A + "-i-created", "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}", ALLOWED));
        forms.add(new IsolationRequest("DELETE", "/" + A + "-i-created", null, null, ALLOWED));
        forms.add(json("PUT", "/" + B + "-i-created", "{}", DENIED));
        forms.add(json("POST", "/" + foreignIndex + "/_delete_by_query", "{\"query\":{\"match_all\":{}}}", DENIED));
        forms.add(json("POST", "/" + foreignIndex + "/_update_by_query", "{\"query\":{\"match_all\":{}}}", DENIED));
        forms.add(json("POST", "/_all/_delete_by_query", "{\"query\":{\"match_all\":{}}}", DENIED));
        forms.add(json("PUT", "/" + foreignIndex + "/_mapping", "{\"properties\":{\"x\":{\"type\":\"keyword\"}}}", DENIED));
        forms.add(json("PUT", "/" + foreignIndex + "/_settings", "{\"index\":{\"refresh_interval\":\"2s\"}}", DENIED));
        forms.add(new IsolationRequest("POST", "/" + foreignIndex + "/_close", null, null, DENIED));

        // _bulk: every action line is a write target.
        forms.add(ndjson("/_bulk?refresh=true", "{\"index\":{\"_index\":\"" + A + "-i-bulk\",\"_id\":\"k1\"}}\n{\"message\":\"AMARKER bulk\"}\n", ALLOWED));
        forms.add(ndjson("/" + A + "-i-bulk/_bulk", "{\"index\":{\"_id\":\"k2\"}}\n{\"message\":\"AMARKER bulk\"}\n", ALLOWED));
        forms.add(ndjson("/_bulk", "{\"index\":{\"_index\":\"" + foreignIndex + "\"}}\n{\"message\":\"from A\"}\n", DENIED));
        forms.add(ndjson("/_bulk", "{\"index\":{\"_index\":\"" + A + "-i-bulk\"}}\n{\"m\":1}\n{\"delete\":{\"_index\":\"" + foreignIndex
                + "\",\"_id\":\"b1\"}}\n", DENIED));
        forms.add(ndjson("/" + A + "-i-bulk/_bulk", "{\"update\":{\"_index\":\"" + foreignIndex + "\",\"_id\":\"b1\"}}\n{\"doc\":{\"m\":1}}\n", DENIED));
        forms.add(ndjson("/" + foreignIndex + "/_bulk", "{\"index\":{}}\n{\"m\":1}\n", DENIED));
        forms.add(ndjson("/_bulk", "{\"index\":{}}\n{\"m\":1}\n", DENIED));
        forms.add(ndjson("/_bulk", "{\"create\":{\"_index\":\"" + ownAlias + "\"}}\n{\"m\":1}\n", DENIED));
        forms.add(ndjson("/_bulk", "{\"index\":{\"_index\":\"" + A + "-i-*\"}}\n{\"m\":1}\n", DENIED));
        forms.add(ndjson("/_bulk", "garbage\n", DENIED));

        // Templates, reindex, aliases.
        forms.add(json("PUT", "/_index_template/" + A + "-i-tpl", "{\"index_patterns\":[\"" + A + "-i-tpl-*\"],\"template\":{\"settings\":{\"number_of_shards\":1}}}", ALLOWED));
        forms.add(json("PUT", "/_index_template/" + A + "-evil", "{\"index_patterns\":[\"" + B + "-i-*\"],\"template\":{}}", DENIED));
        forms.add(json("PUT", "/_index_template/" + A + "-wide", "{\"index_patterns\":[\"logs-*\"],\"template\":{}}", DENIED));
        forms.add(json("PUT", "/_index_template/" + A + "-mixed", "{\"index_patterns\":[\"" + A + "-i-x-*\",\"*\"],\"template\":{}}", DENIED));
        forms.add(json("PUT", "/_template/" + A + "-legacy", "{\"index_patterns\":[\"" + B + "-i-*\"]}", DENIED));
        forms.add(json("POST", "/_reindex", "{\"source\":{\"index\":\"" + foreignIndex + "\"},\"dest\":{\"index\":\"" + A + "-i-stolen\"}}", DENIED));
        forms.add(json("POST", "/_reindex", "{\"source\":{\"index\":\"" + ownIndex + "\"},\"dest\":{\"index\":\"" + B + "-i-planted\"}}", DENIED));
        forms.add(json("POST", "/_reindex", "{\"source\":{\"index\":\"" + ownIndex + "\",\"remote\":{\"host\":\"http://127.0.0.1:9200\"}},"
                + "\"dest\":{\"index\":\"" + A + "-i-copy\"}}", DENIED));
        // Allowed by the gateway; this OpenSearch distribution has no reindex module, so any answer will do.
        forms.add(json("POST", "/_reindex?refresh=true", "{\"source\":{\"index\":\"" + ownIndex + "\"},\"dest\":{\"index\":\"" + A + "-i-copy\"}}", SAFE));
        forms.add(json("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + foreignIndex + "\",\"alias\":\"" + A + "-a-stolen\"}}]}", DENIED));
        forms.add(json("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + ownIndex + "\",\"alias\":\"" + A + "-a-mine\"}}]}", DENIED));
        forms.add(json("PUT", "/" + foreignIndex + "/_alias/" + A + "-a-stolen", null, DENIED));
        forms.add(json("PUT", "/" + ownIndex + "/_alias/" + A + "-a-x", null, DENIED));
        forms.add(json("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + ownIndex + "\",\"alias\":\"" + B + "-i-feed\"}}]}", DENIED));
        forms.add(json("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + foreignIndex + "\",\"alias\":\"" + A + "-i-stolen\"}}]}", DENIED));
        forms.add(json("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + A + "-i-*\",\"alias\":\"" + A + "-i-every\","
                + "\"filter\":{\"terms\":{\"level\":{\"index\":\"" + foreignIndex + "\",\"id\":\"b1\",\"path\":\"level\"}}}}}]}", DENIED));
        forms.add(json("DELETE", "/" + B + "-i-*/_alias/" + B + "-a-all", null, DENIED));
        // An alias within A's own names over A's own indices (what Dashboards' saved-objects migration does),
        // then read through: only A's documents come back.
        forms.add(json("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"" + ownIndex + "\",\"alias\":\"" + A + "-i-current\"}}]}", ALLOWED));
        forms.add(json("POST", "/" + A + "-i-current/_search", "{\"query\":{\"match_all\":{}}}", ALLOWED));
        forms.add(json("PUT", "/" + A + "-i-*/_alias/" + A + "-i-both", null, ALLOWED));
        forms.add(json("POST", "/" + A + "-i-both/_search", "{\"query\":{\"match_all\":{}}}", ALLOWED));
        forms.add(json("DELETE", "/" + A + "-i-*/_alias/" + A + "-i-both", null, ALLOWED));

        // Scroll and point-in-time continuation.
        forms.add(json("POST", "/" + ownIndex + "/_search?scroll=1m", "{\"size\":1}", ALLOWED));
        forms.add(json("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"not-a-real-scroll-id\"}", SAFE));
        forms.add(new IsolationRequest("DELETE", "/_search/scroll/_all", null, null, DENIED));
        forms.add(new IsolationRequest("POST", "/" + ownIndex + "/_search/point_in_time?keep_alive=1m", null, null, ALLOWED));
        forms.add(new IsolationRequest("POST", "/" + foreignIndex + "/_search/point_in_time?keep_alive=1m", null, null, DENIED));
        forms.add(new IsolationRequest("POST", "/*/_search/point_in_time?keep_alive=1m", null, null, NARROWED));
        forms.add(json("POST", "/_search", "{\"pit\":{\"id\":\"not-a-real-pit\"},\"size\":1}", SAFE));
        forms.add(get("/_search/point_in_time/_all", DENIED));
        return forms;
    }
}
