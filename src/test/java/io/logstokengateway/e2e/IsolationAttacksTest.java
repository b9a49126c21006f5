package io.logstokengateway.e2e;

import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.RawHttpConnection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;
import static io.logstokengateway.e2e.TwoTenants.A;
import static io.logstokengateway.e2e.TwoTenants.A_MARK;
import static io.logstokengateway.e2e.TwoTenants.B;
import static io.logstokengateway.e2e.TwoTenants.B_MARK;
import static io.logstokengateway.e2e.TwoTenants.B_NAMES;
import static io.logstokengateway.e2e.TwoTenants.SHARED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each attack a review made against tenant isolation, as tenant A, against the real OpenSearch with tenant B next door
 * ({@link TwoTenants}): query-string separators, guessable search context ids, aliases in A's namespace that lead to
 * B's indices, listings of a shared index, and the cluster's capacity. (The Graylog forms are in
 * {@link GraylogListenerTest} and {@link IsolationFuzzTest}.)
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class IsolationAttacksTest {

    @Inject
    ProxyListeners listeners;

    private RawHttpConnection gateway;

    @BeforeEach
    void connect() {
        TwoTenants.setUp(listeners.searchPort());
        gateway = new RawHttpConnection(listeners.searchPort());
    }

    @AfterEach
    void disconnect() {
        gateway.close();
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    private RawHttpConnection.Response asA(String method, String target, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", basic(TwoTenants.tokenA, "token"));
        if (json != null) {
            headers.put("Content-Type", json.contains("\n") ? "application/x-ndjson" : "application/json");
        }
        return gateway.exchange(method, target, headers, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertNothingOfB(RawHttpConnection.Response response) {
        String answer = response.body();
        assertFalse(answer.contains(B_MARK), answer);
        for (String name : B_NAMES) {
            assertFalse(answer.contains(name), name + " in " + answer);
        }
    }

    // ---------------------------------------------------------------- query-string separators

    @Test
    void aSemicolonCannotSmuggleAnIndexParameterIntoMget() {
        RawHttpConnection.Response response = asA("POST", "/_mget?realtime=true;index=" + B + "-i-private", "{\"ids\":[\"p1\"]}");
        assertEquals(400, response.status(), response.body());
        assertTrue(response.body().contains("illegal_argument_exception"), response.body());
        assertNothingOfB(response);
    }

    @Test
    void aSemicolonCannotAskForEveryIndexOfTheCluster() {
        RawHttpConnection.Response response = asA("GET", "/_cluster/health?timeout=5s;level=indices", null);
        assertEquals(200, response.status(), response.body());
        assertTrue(response.body().contains(A + "-i-app"), response.body());
        assertNothingOfB(response);
        assertFalse(response.body().contains(".opendistro"), response.body());
    }

    @Test
    void aSemicolonCannotCarryABodyPastTheBodyChecks() {
        String source = "%7B%22query%22%3A%7B%22terms%22%3A%7B%22message%22%3A%7B%22index%22%3A%22" + B
                + "-i-private%22%2C%22id%22%3A%22p1%22%2C%22path%22%3A%22message%22%7D%7D%7D%7D";
        RawHttpConnection.Response response = asA("GET", "/" + A + "-i-app/_search?size=1;source=" + source
                + ";source_content_type=application/json", null);
        assertEquals(400, response.status(), response.body());
        assertNothingOfB(response);
    }

    // ---------------------------------------------------------------- search context ids

    @Test
    void anIdGuessedFromOnesOwnIsAnsweredAsAGoneContext() {
        String guessed = nextCounter(TwoTenants.bRawScroll);
        RawHttpConnection.Response forged = asA("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + guessed + "\"}");
        RawHttpConnection.Response raw = asA("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + TwoTenants.bRawScroll + "\"}");
        RawHttpConnection.Response foreign = asA("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + TwoTenants.bSealedScroll + "\"}");
        RawHttpConnection.Response pit = asA("POST", "/_search", "{\"pit\":{\"id\":\"" + TwoTenants.bRawPit + "\"}}");
        for (RawHttpConnection.Response response : new RawHttpConnection.Response[] {forged, raw, foreign, pit}) {
            assertEquals(404, response.status(), response.body());
            assertTrue(response.body().contains("search_context_missing_exception"), response.body());
            assertNothingOfB(response);
        }
        assertEquals(forged.body(), foreign.body(), "a foreign id answers as a forged one");
    }

    @Test
    void aForgedIdAnswersExactlyAsAnIdTheUpstreamNoLongerHolds() {
        String scroll = TwoTenants.field(TwoTenants.post(gateway, TwoTenants.tokenA, "/" + A + "-i-app/_search?scroll=1m&size=1", "{}"),
                "_scroll_id");
        assertEquals(200, asA("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scroll + "\"}").status());
        RawHttpConnection.Response gone = asA("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + scroll + "\"}");
        RawHttpConnection.Response forged = asA("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + nextCounter(scroll) + "\"}");
        assertEquals(404, gone.status());
        assertEquals(gone.status(), forged.status());
        assertEquals(gone.body(), forged.body());
        assertFalse(gone.body().matches(".*id \\[\\d+].*"), "names an internal context number: " + gone.body());
    }

    @Test
    void anotherTenantsScrollsAndPointsInTimeCannotBeClosed() {
        RawHttpConnection.Response scrolls = asA("DELETE", "/_search/scroll", "{\"scroll_id\":[\"" + TwoTenants.bRawScroll
                + "\",\"" + TwoTenants.bSealedScroll + "\"]}");
        assertEquals(404, scrolls.status(), scrolls.body());
        assertEquals("{\"succeeded\":true,\"num_freed\":0}", scrolls.body());
        asA("DELETE", "/_search/scroll/" + TwoTenants.bRawScroll, null);
        asA("DELETE", "/_search/point_in_time", "{\"pit_id\":[\"" + TwoTenants.bRawPit + "\",\"" + TwoTenants.bSealedPit + "\"]}");
        assertEquals(403, asA("DELETE", "/_search/scroll/_all", null).status());
        assertTrue(TwoTenants.bContextsAlive(listeners.searchPort()), "B's scroll or point in time was closed");
    }

    @Test
    void aTenantsOwnScrollAndPointInTimeWorkThroughSealedIds() {
        RawHttpConnection.Response first = asA("POST", "/" + A + "-i-*/_search?scroll=1m&size=1", "{\"sort\":[\"_doc\"]}");
        String scroll = TwoTenants.field(first.body(), "_scroll_id");
        assertFalse(first.body().contains("FGluY2x1ZGVfY29udGV4dF91dWlk"), "the upstream's id reached the client");
        RawHttpConnection.Response next = asA("GET", "/_search/scroll/" + scroll + "?scroll=1m", null);
        assertEquals(200, next.status(), next.body());
        assertTrue(next.body().contains(A_MARK), next.body());
        String pit = TwoTenants.field(asA("POST", "/" + A + "-i-*/_search/point_in_time?keep_alive=1m", null).body(), "pit_id");
        RawHttpConnection.Response search = asA("POST", "/_search", "{\"pit\":{\"id\":\"" + pit + "\",\"keep_alive\":\"1m\"}}");
        assertEquals(200, search.status(), search.body());
        assertTrue(search.body().contains(A_MARK));
        RawHttpConnection.Response closed = asA("DELETE", "/_search/point_in_time", "{\"pit_id\":[\"" + pit + "\"]}");
        assertEquals(200, closed.status(), closed.body());
        assertTrue(closed.body().contains(pit), "the answer names the id as the client holds it: " + closed.body());
    }

    // ---------------------------------------------------------------- names are not grants

    @Test
    void anAliasInTheTenantsNamespaceThatLeadsToAnotherTenantIsNoWayIn() {
        for (String target : new String[] {"/_search?q=*&size=100", "/*/_search?size=100", "/" + A + "-a-*/_search?size=100",
                "/" + A + "-*/_search?size=100", "/_all/_count", "/" + A + "-i-*/_search?size=100"}) {
            RawHttpConnection.Response response = asA("GET", target, null);
            assertEquals(200, response.status(), target + " " + response.body());
            assertNothingOfB(response);
        }
        assertEquals(403, asA("GET", "/" + A + "-a-evil/_search", null).status());
        assertEquals(403, asA("GET", "/" + A + "-i-evil/_doc/b1", null).status());
        assertEquals(403, asA("POST", "/" + A + "-i-evil/_doc", "{\"message\":\"into B\"}").status());
        assertEquals(403, asA("POST", "/" + A + "-i-evil/_delete_by_query", "{\"query\":{\"match_all\":{}}}").status());
        assertEquals(TwoTenants.B_DOCUMENTS, TwoTenants.bDocuments());
    }

    @Test
    void listingsOfASharedIndexShowNoAliasOfAnotherTenant() {
        for (String target : new String[] {"/" + SHARED + "/_alias", "/_alias", "/_aliases", "/" + SHARED, "/_cat/aliases?format=json",
                "/_resolve/index/*", "/_resolve/index/" + SHARED, "/_cat/indices?format=json", "/_mapping", "/_settings"}) {
            RawHttpConnection.Response response = asA("GET", target, null);
            assertEquals(200, response.status(), target + " " + response.body());
            assertNothingOfB(response);
        }
        assertTrue(asA("GET", "/" + SHARED + "/_alias", null).body().contains(SHARED));
    }

    // ---------------------------------------------------------------- capacity

    @Test
    void aTenantCannotTakeTheClustersShards() {
        RawHttpConnection.Response big = asA("PUT", "/" + A + "-i-big", "{\"settings\":{\"index.number_of_shards\":50}}");
        assertEquals(403, big.status(), big.body());
        assertTrue(big.body().contains("at most 5"), big.body());
        assertEquals(403, asA("PUT", "/" + A + "-i-wide", "{\"settings\":{\"number_of_replicas\":20}}").status());
        assertEquals(403, asA("PUT", "/" + A + "-i-auto", "{\"settings\":{\"auto_expand_replicas\":\"0-all\"}}").status());
        assertEquals(403, asA("PUT", "/_index_template/" + A + "-i-big", "{\"index_patterns\":[\"" + A + "-i-big*\"],"
                + "\"template\":{\"settings\":{\"number_of_shards\":10}}}").status());
        assertEquals(403, asA("PUT", "/" + A + "-i-app/_settings", "{\"index\":{\"number_of_replicas\":9}}").status());
        RawHttpConnection.Response fine = asA("PUT", "/" + A + "-i-small", "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0}}");
        assertEquals(200, fine.status(), fine.body());
    }

    /** The raw id with the context counter moved on by one, as the review did it. */
    private static String nextCounter(String id) {
        boolean url = id.indexOf('+') < 0 && id.indexOf('/') < 0 && !id.endsWith("=");
        byte[] bytes = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(id);
        bytes[bytes.length / 2] += 1;
        return (url ? Base64.getUrlEncoder().withoutPadding() : Base64.getEncoder()).encodeToString(bytes);
    }
}
