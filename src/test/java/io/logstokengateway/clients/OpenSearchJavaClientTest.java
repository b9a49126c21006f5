package io.logstokengateway.clients;

import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.HealthStatus;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.InfoResponse;
import org.opensearch.client.opensearch.core.MsearchResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.msearch.MultiSearchResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.opensearch.client.transport.httpclient5.ResponseException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official {@code opensearch-java} client (Apache HttpClient 5 transport, Jackson mapper), configured the way its
 * documentation shows (a credentials provider holding {@code <token>:token}), against the gateway's search listener
 * in front of a real OpenSearch 2.19: info, cluster health, index exists, bulk into the service's index, refresh,
 * search, count, msearch, and refused reads and writes of another tenant's index.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class OpenSearchJavaClientTest {

    static final String SERVICE = "ldp-oj-00051";
    static final String USER = "logs-oj-00051";
    static final String INDEX = USER + "-i-java";
    static final String FOREIGN_INDEX = "logs-oz-00052-i-secret";

    static String token;
    static final List<OpenSearchTransport> TRANSPORTS = new ArrayList<>();

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void setUpOnce() {
        if (token != null) {
            return;
        }
        OpenSearchServer.get().index(FOREIGN_INDEX, "s1", "{\"message\":\"OZSECRET\",\"level\":\"INFO\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
        Gateway.provision(SERVICE, USER, "Java-Client-Password-1", Map.of());
        token = Gateway.createToken(SERVICE, "opensearch-java")[1];
    }

    @AfterAll
    static void closeTransports() throws IOException {
        for (OpenSearchTransport transport : TRANSPORTS) {
            transport.close();
        }
    }

    /** As the client's documentation configures it: Basic credentials answered to the gateway's challenge. */
    private OpenSearchClient client(boolean compression, boolean chunked) {
        HttpHost host = new HttpHost("http", "127.0.0.1", listeners.searchPort());
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(token, "token".toCharArray()));
        OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper())
                .setCompressionEnabled(compression)
                .setChunkedEnabled(chunked)
                .setHttpClientConfigCallback(builder -> builder.setDefaultCredentialsProvider(credentials))
                .build();
        TRANSPORTS.add(transport);
        return new OpenSearchClient(transport);
    }

    @Test
    void clusterCallsAnIndexingApplicationMakes() throws IOException {
        OpenSearchClient client = client(false, false);
        InfoResponse info = client.info();
        assertEquals("opensearch", info.version().distribution());
        assertTrue(info.version().number().startsWith("2.19"), info.version().number());

        var health = client.cluster().health();
        assertNotEquals(HealthStatus.Red, health.status());

        assertFalse(client.indices().exists(e -> e.index(USER + "-i-absent")).value(), "HEAD on a missing own index is a 404");
    }

    @Test
    void bulkRefreshSearchCountAndMultiSearch() throws IOException {
        roundTrip(client(false, false), INDEX, "plain");
    }

    /** Chunked request bodies ({@code Transfer-Encoding: chunked}), which the gateway must read whole to check. */
    @Test
    void chunkedRequestBodies() throws IOException {
        roundTrip(client(false, true), USER + "-i-chunked", "chunked");
    }

    /** {@code setCompressionEnabled(true)}: gzip request bodies ({@code Content-Encoding: gzip}) and responses. */
    @Test
    void compressedRequestBodies() throws IOException {
        roundTrip(client(true, true), USER + "-i-gzip", "gzip");
    }

    private static void roundTrip(OpenSearchClient client, String index, String marker) throws IOException {
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

        SearchResponse<LogLine> search = client.search(s -> s.index(index)
                .query(q -> q.match(m -> m.field("level").query(FieldValue.of("ERROR"))))
                .sort(o -> o.field(f -> f.field("timestamp").order(SortOrder.Desc))), LogLine.class);
        assertEquals(2, search.hits().total().value());
        assertEquals("JAVAMARKER " + marker + " 3", search.hits().hits().get(0).source().message);

        assertEquals(5, client.count(c -> c.index(index)).count());
        assertEquals(5, client.count(c -> c.index(USER + "-i-*").query(q -> q.match(m -> m.field("message").query(FieldValue.of(marker))))).count());

        MsearchResponse<LogLine> multi = client.msearch(m -> m
                .searches(s -> s.header(h -> h.index(index)).body(b -> b.query(q -> q.matchAll(a -> a)).size(10)))
                .searches(s -> s.header(h -> h.index(USER + "-i-*")).body(b -> b.query(q -> q.term(t -> t.field("level.keyword")
                        .value(FieldValue.of("INFO"))))))
                .searches(s -> s.header(h -> h).body(b -> b.query(q -> q.match(m2 -> m2.field("message").query(FieldValue.of(marker)))))),
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

    /**
     * This transport turns every 403 (as it does a 401) into {@code TransportException("Forbidden access")} holding
     * the response, before any error body is parsed: what it does against OpenSearch's own security plugin too. The
     * refusal must still be the gateway's {@code security_exception}, readable from that response.
     */
    @Test
    void anotherTenantsIndexIsRefusedAsTheClientUnderstands() {
        OpenSearchClient client = client(false, false);
        ResponseException refused = responseOf(assertThrows(IOException.class,
                () -> client.search(s -> s.index(FOREIGN_INDEX).query(q -> q.matchAll(a -> a)), LogLine.class)));
        assertEquals(403, refused.status());
        assertTrue(refused.getMessage().contains("security_exception"), refused.getMessage());
        assertFalse(refused.getMessage().contains("OZSECRET"));

        ResponseException bulkRefused = responseOf(assertThrows(IOException.class, () -> client.bulk(b -> b.operations(op -> op
                .index(x -> x.index(FOREIGN_INDEX).id("x").document(new LogLine("intrusion", "INFO", "2026-11-28T10:00:00Z")))))));
        assertEquals(403, bulkRefused.status());
        assertTrue(bulkRefused.getMessage().contains("security_exception"), bulkRefused.getMessage());
    }

    private static ResponseException responseOf(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof ResponseException response) {
                return response;
            }
        }
        throw new AssertionError("no response in", thrown);
    }
}
