package io.logstokengateway.clients;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MsearchResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.msearch.MultiSearchResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.ElasticsearchServer;
import io.logstokengateway.testsupport.ElasticsearchUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.HttpResponseInterceptor;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official {@code elasticsearch-java} 8.17 client (low-level REST client transport, Jackson mapper), configured
 * the way its documentation shows (a credentials provider holding {@code <token>:token}), against the gateway's search
 * listener in front of a real Elasticsearch 8.17. The client checks {@code X-Elastic-Product: Elasticsearch} on
 * every 200 answer, sends {@code application/vnd.elasticsearch+json; compatible-with=8} (and the {@code x-ndjson}
 * variant for bulk and msearch), and with compression on sends gzip bodies and accepts gzip answers.
 * <p>
 * {@code client.info()} ({@code GET /}) fails with a 405 both through the gateway and straight at the server: the
 * integ-test distribution has no rest-root module, so that is the distribution's limitation, not the gateway's.
 */
@QuarkusTest
@TestProfile(ElasticsearchUpstream.class)
class ElasticsearchJavaClientTest {

    static final int MAX_CHECKED_BODY = ElasticsearchUpstream.MAX_CHECKED_BODY;
    static final String SERVICE = "ldp-ej-00061";
    static final String USER = "logs-ej-00061";
    static final String INDEX = USER + "-i-java";
    static final String FOREIGN_INDEX = "logs-ez-00062-i-secret";

    static String token;
    static final List<ElasticsearchTransport> TRANSPORTS = new ArrayList<>();
    static final List<String> ANSWER_ENCODINGS = new CopyOnWriteArrayList<>();

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void setUpOnce() {
        if (token != null) {
            return;
        }
        ElasticsearchServer.get().index(FOREIGN_INDEX, "s1",
                "{\"message\":\"" + Answers.FOREIGN_MARKER + "\",\"level\":\"INFO\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
        Gateway.provision(SERVICE, USER, "Es-Java-Client-Password-1", Map.of());
        token = Gateway.createToken(SERVICE, "elasticsearch-java")[1];
    }

    @AfterAll
    static void closeTransports() throws IOException {
        for (ElasticsearchTransport transport : TRANSPORTS) {
            transport.close();
        }
    }

    /** As the client's documentation configures it: Basic credentials answered to the gateway's challenge. */
    private ElasticsearchClient client(String user, boolean compression) {
        return client(RestClient.builder(new HttpHost("127.0.0.1", listeners.searchPort(), "http")), user, compression);
    }

    private static ElasticsearchClient direct() {
        URI uri = ElasticsearchServer.get().uri();
        return client(RestClient.builder(new HttpHost(uri.getHost(), uri.getPort(), uri.getScheme())), null, false);
    }

    private static ElasticsearchClient client(RestClientBuilder builder, String user, boolean compression) {
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        if (user != null) {
            credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(user, "token"));
        }
        builder.setHttpClientConfigCallback(http -> http.setDefaultCredentialsProvider(credentials)
                // Seen before the REST client decompresses the answer and drops its Content-Encoding.
                .addInterceptorFirst((HttpResponseInterceptor) (response, context) -> {
                    Header encoding = response.getFirstHeader("Content-Encoding");
                    ANSWER_ENCODINGS.add(encoding == null ? "identity" : encoding.getValue());
                }));
        ElasticsearchTransport transport = new RestClientTransport(builder.setCompressionEnabled(compression).build(),
                new JacksonJsonpMapper());
        TRANSPORTS.add(transport);
        return new ElasticsearchClient(transport);
    }

    private static RestClient lowLevel(ElasticsearchClient client) {
        return ((RestClientTransport) client._transport()).restClient();
    }

    @Test
    void productCheckPassesOnClusterCalls() throws IOException {
        ElasticsearchClient client = client(token, false);
        assertNotEquals(HealthStatus.Red, client.cluster().health().status());
        assertFalse(client.indices().exists(e -> e.index(USER + "-i-absent")).value(), "HEAD on a missing own index is a 404");

        Response health = lowLevel(client).performRequest(new Request("GET", "/_cluster/health"));
        assertEquals("Elasticsearch", health.getHeader("X-Elastic-Product"));
    }

    /** The same failure through the gateway as straight at the server: this distribution has no {@code GET /}. */
    @Test
    void infoFailsAsTheDistributionDoes() {
        ElasticsearchException direct = assertThrows(ElasticsearchException.class, () -> direct().info());
        ElasticsearchException through = assertThrows(ElasticsearchException.class, () -> client(token, false).info());
        assertEquals(405, direct.status());
        assertEquals(direct.status(), through.status());
        assertEquals(direct.getMessage(), through.getMessage());
    }

    @Test
    void bulkRefreshSearchCountAndMultiSearch() throws IOException {
        roundTrip(client(token, false), INDEX, "plain");
    }

    /** {@code setCompressionEnabled(true)}: gzip request bodies ({@code Content-Encoding: gzip}) and gzip answers. */
    @Test
    void compressedRequestBodiesAndAnswers() throws IOException {
        ElasticsearchClient client = client(token, true);
        String index = USER + "-i-gzip";
        roundTrip(client, index, "gzip");

        ANSWER_ENCODINGS.clear();
        Response search = lowLevel(client).performRequest(new Request("GET", "/" + index + "/_search"));
        assertEquals(List.of("gzip"), ANSWER_ENCODINGS);
        assertEquals("Elasticsearch", search.getHeader("X-Elastic-Product"));
    }

    private static void roundTrip(ElasticsearchClient client, String index, String marker) throws IOException {
        BulkResponse bulk = client.bulk(b -> {
            for (int i = 0; i < 5; i++) {
                LogLine line = new LogLine("JAVAMARKER " + marker + " " + i, i % 2 == 0 ? "INFO" : "ERROR",
                        "2026-11-28T10:00:0" + i + "Z");
                String id = marker + i;
                b.operations(op -> op.index(x -> x.index(index).id(id).document(line)));
            }
            return b;
        });
        assertFalse(bulk.errors(), () -> bulk.items().toString());
        assertEquals(5, bulk.items().size());

        assertTrue(client.indices().exists(e -> e.index(index)).value(), "HEAD /" + index);
        client.indices().refresh(r -> r.index(index));
        assertTrue(client.exists(e -> e.index(index).id(marker + 0)).value(), "HEAD on an indexed document");
        assertFalse(client.exists(e -> e.index(index).id(marker + "-absent")).value(), "HEAD on a missing document");

        SearchResponse<LogLine> search = client.search(s -> s.index(index)
                .query(q -> q.match(m -> m.field("level").query("ERROR")))
                .sort(o -> o.field(f -> f.field("timestamp").order(SortOrder.Desc))), LogLine.class);
        assertEquals(2, search.hits().total().value());
        assertEquals("JAVAMARKER " + marker + " 3", search.hits().hits().get(0).source().message);

        assertEquals(5, client.count(c -> c.index(index)).count());
        assertEquals(5, client.count(c -> c.index(USER + "-i-*").query(q -> q.match(m -> m.field("message").query(marker)))).count());

        MsearchResponse<LogLine> multi = client.msearch(m -> m
                .searches(s -> s.header(h -> h.index(index)).body(b -> b.query(q -> q.matchAll(a -> a)).size(10)))
                .searches(s -> s.header(h -> h.index(USER + "-i-*")).body(b -> b.query(q -> q.term(t -> t.field("level.keyword")
                        .value(FieldValue.of("INFO"))))))
                .searches(s -> s.header(h -> h).body(b -> b.query(q -> q.match(m2 -> m2.field("message").query(marker))))),
                LogLine.class);
        assertEquals(3, multi.responses().size());
        for (MultiSearchResponseItem<LogLine> item : multi.responses()) {
            assertTrue(item.isResult(), () -> item.failure().toString());
            for (Hit<LogLine> hit : item.result().hits().hits()) {
                assertTrue(hit.index().startsWith(USER + "-i-"), hit.index());
            }
        }
        assertEquals(5, multi.responses().get(0).result().hits().hits().size());
        assertEquals(5, multi.responses().get(2).result().hits().total().value());
    }

    @Test
    void anotherTenantsIndexIsRefusedAsTheClientUnderstands() {
        ElasticsearchClient client = client(token, false);
        ElasticsearchException refused = assertThrows(ElasticsearchException.class,
                () -> client.search(s -> s.index(FOREIGN_INDEX).query(q -> q.matchAll(a -> a)), LogLine.class));
        assertForbidden(refused);

        ElasticsearchException bulkRefused = assertThrows(ElasticsearchException.class, () -> client.bulk(b -> b.operations(op -> op
                .index(x -> x.index(FOREIGN_INDEX).id("x").document(new LogLine("intrusion", "INFO", "2026-11-28T10:00:00Z"))))));
        assertForbidden(bulkRefused);

        ElasticsearchException msearchRefused = assertThrows(ElasticsearchException.class, () -> client.msearch(m -> m
                .searches(s -> s.header(h -> h.index(FOREIGN_INDEX)).body(b -> b.query(q -> q.matchAll(a -> a)))), LogLine.class));
        assertForbidden(msearchRefused);
    }

    private static void assertForbidden(ElasticsearchException refused) {
        assertEquals(403, refused.status());
        assertEquals("security_exception", refused.error().type());
        assertFalse(refused.getMessage().contains(Answers.FOREIGN_MARKER), refused.getMessage());
    }

    @Test
    void existsOnAnotherTenantsIndexIsRefused() {
        ElasticsearchClient client = client(token, false);
        Exception refused = assertThrows(Exception.class, () -> client.indices().exists(e -> e.index(FOREIGN_INDEX)));
        assertTrue(refused.getMessage().contains("403"), refused.toString());
    }

    @Test
    void unknownTokenIsUnauthorized() {
        ElasticsearchException refused = assertThrows(ElasticsearchException.class,
                () -> client("not-a-token-of-this-gateway", false).cluster().health());
        assertEquals(401, refused.status());
        assertEquals("security_exception", refused.error().type());
    }

    /** A bulk streams through line by line whatever its size (here twice the bound on bodies read whole), compressed or not. */
    @Test
    void bulkStreamsPastTheBoundOnBodiesReadWhole() throws IOException {
        for (boolean compression : new boolean[] {false, true}) {
            String index = USER + "-i-streamed-" + compression;
            int documents = MAX_CHECKED_BODY * 2 / 100;
            BulkResponse response = client(token, compression).bulk(b -> {
                b.refresh(Refresh.True);
                for (int i = 0; i < documents; i++) {
                    // varied as logs are: identical lines would compress past limits.max-decompression-ratio
                    LogLine line = new LogLine("request " + i + " " + UUID.randomUUID() + " " + UUID.randomUUID(), "INFO",
                            "2026-11-28T10:00:00Z");
                    b.operations(op -> op.index(x -> x.index(index).document(line)));
                }
                return b;
            });
            assertFalse(response.errors(), "compression " + compression);
            assertEquals(documents, client(token, false).count(c -> c.index(index)).count(), "compression " + compression);
        }
    }

    /**
     * The lines the gateway reads are bounded ({@code limits.max-checked-line}); a search line of more than 64 KiB
     * (a long list of terms, as dashboards send) is checked off the event loop, one past the bound gets its 413. The
     * client parses only 400, 401, 403, 404 and 405 into an {@link ElasticsearchException}; any other status, a 413 from
     * Elasticsearch itself too, reaches the caller as the low-level {@link ResponseException}. A fresh client also sends
     * this body once without credentials first (its answer to the 401 challenge): both refusals must reach it as
     * answers, not as a broken pipe.
     */
    @Test
    void longSearchLinesAreCheckedAndOnesPastTheBoundAreTooLarge() throws IOException {
        int terms = 100 * 1024 / 12;
        MsearchResponse<LogLine> found = client(token, false).msearch(m -> m.searches(s -> s.header(h -> h.index(INDEX))
                .body(b -> b.query(q -> q.terms(t -> t.field("level.keyword").terms(v -> v.value(manyTerms(terms))))))), LogLine.class);
        assertTrue(found.responses().get(0).isResult(), () -> found.responses().get(0).failure().toString());

        for (boolean compression : new boolean[] {false, true}) {
            ElasticsearchClient client = client(token, compression);
            int tooMany = ElasticsearchUpstream.MAX_CHECKED_LINE / 12 + 1;
            ResponseException refused = assertThrows(ResponseException.class, () -> client.msearch(m -> m.searches(s -> s
                    .header(h -> h.index(INDEX))
                    .body(b -> b.query(q -> q.terms(t -> t.field("level.keyword").terms(v -> v.value(manyTerms(tooMany))))))), LogLine.class));
            assertEquals(413, refused.getResponse().getStatusLine().getStatusCode(), "compression " + compression);
            assertTrue(refused.getMessage().contains("content_too_long_exception"), refused.getMessage());
        }
    }

    /** Terms of 12 bytes each in JSON ({@code "level-00000",}). */
    private static List<FieldValue> manyTerms(int count) {
        List<FieldValue> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(FieldValue.of(String.format("level-%05d", i % 100_000)));
        }
        return values;
    }
}
