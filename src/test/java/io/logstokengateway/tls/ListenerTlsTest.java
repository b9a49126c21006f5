package io.logstokengateway.tls;

import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.ListenerPki;
import io.logstokengateway.testsupport.ListenerTlsChecks;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.NodeClients;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.logstokengateway.testsupport.RawHttpConnection;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.PemTrustOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three listeners over TLS, as an operator turns it on (only {@code quarkus.tls.key-store.pem.0.*}, see
 * {@link ListenerTlsProfile}), met by real clients: curl, openssl, the JDK's HTTP client, the official OpenSearch Java
 * and JavaScript clients. Each client trusts the test CA only, so a success also proves the listener presented the
 * configured certificate.
 */
@QuarkusTest
@TestProfile(ListenerTlsProfile.class)
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class ListenerTlsTest {

    static final String SERVICE = "ldp-tl-00061";
    static final String USER = "logs-tl-00061";
    static final String INDEX = USER + "-i-tls";

    static String token;

    @Inject
    ProxyListeners listeners;

    @Inject
    Vertx vertx;

    final ListenerPki pki = ListenerPki.shared();

    static int managementPort() {
        return ListenerTlsProfile.managementPort();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The operator's calls, over HTTPS to the management listener. */
    static ManagementClient operator(ListenerPki pki) {
        return ManagementClient.asOperator(URI.create("https://127.0.0.1:" + managementPort()), Gateway.ADMIN_KEY)
                .using(HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(HttpClient.Version.HTTP_1_1).build());
    }

    @BeforeEach
    void provisionOnce() {
        if (token != null) {
            return;
        }
        ManagementClient operator = operator(pki);
        operator.provision(SERVICE, USER, SecretsInLogs.remember("Tls-Listener-Password-1"), Map.of());
        token = SecretsInLogs.remember(operator.createToken(SERVICE, "tls").value());
        OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"TLSMARKER over https\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
    }

    @AfterAll
    static void noSecretInTheLog() throws IOException {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    // --- curl ---

    @Test
    void curlReachesEveryListenerOverHttpsWithTheCaOnly() {
        assertEquals("200 https", curl("https://127.0.0.1:" + managementPort() + "/q/health/live"));
        assertEquals("401 https", curl("https://127.0.0.1:" + listeners.searchPort() + "/"));
        assertEquals("403 https", curl("https://127.0.0.1:" + listeners.graylogPort() + "/"));
        assertEquals("200 https", curl("https://127.0.0.1:" + listeners.searchPort() + "/" + INDEX + "/_search?q=TLSMARKER",
                "-H", "Authorization: " + basic(token, "token")));
    }

    @Test
    void nothingIsServedInClear() {
        for (int port : ports()) {
            ListenerTlsChecks.servesNothingInClear(port);
        }
    }

    // --- protocols, ciphers, ALPN (openssl s_client) ---

    @Test
    void tls13AndTls12WithAnAeadCipherAreAcceptedOnEveryListener() {
        for (int port : ports()) {
            ListenerTlsChecks.acceptsTls13AndTls12WithAnAeadCipher(pki, port);
        }
    }

    @Test
    void tls11IsRefusedOnEveryListener() {
        for (int port : ports()) {
            ListenerTlsChecks.refusesTls11(pki, port);
        }
    }

    @Test
    void tls12CbcCiphersTheJdkWouldOtherwiseOfferAreRefused() {
        for (int port : ports()) {
            ListenerTlsChecks.refusesTls12CbcCiphers(pki, port);
        }
    }

    @Test
    void alpnNegotiatesHttp2WhenOfferedAndHttp11Otherwise() {
        for (int port : ports()) {
            ListenerTlsChecks.negotiatesHttp2WhenOfferedAndHttp11Otherwise(pki, port);
        }
    }

    private int[] ports() {
        return new int[] {managementPort(), listeners.searchPort(), listeners.graylogPort()};
    }

    // --- HTTP/2 through the search listener (the JDK's client) ---

    @Test
    void searchOverHttp2ThroughTheProxyListener() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> found = client.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + listeners.searchPort() + "/" + INDEX + "/_search?q=TLSMARKER"))
                .header("Authorization", basic(token, "token")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, found.version());
        assertEquals(200, found.statusCode(), found::body);
        assertTrue(found.body().contains("TLSMARKER over https"), found::body);

        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + listeners.graylogPort() + "/")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, refused.version());
        assertEquals(403, refused.statusCode());
    }

    /**
     * On HTTP/2 a request the gateway ends early (refused with its body still coming) is one stream: it is reset alone,
     * and the other requests on the connection go on. Vert.x's client, as it shows each stream's reset and its
     * connection.
     */
    @Test
    void aRequestEndedEarlyOverHttp2EndsAloneAndTheConnectionsOtherRequestsGoOn() throws Exception {
        io.vertx.core.http.HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(pki.caPem().toString()))
                .setDefaultHost("localhost").setDefaultPort(listeners.searchPort()));
        try {
            // A: a bulk upload under way, its body not ended
            HttpClientRequest bulk = await(client.request(HttpMethod.POST, "/" + INDEX + "/_bulk?refresh=true"));
            bulk.putHeader("Authorization", basic(token, "token")).putHeader("Content-Type", "application/x-ndjson")
                    .setChunked(true);
            // its body asked for as the answer arrives, on the event loop: asked later, its first pieces may be gone
            Future<String> bulkAnswered = bulk.response()
                    .compose(answer -> answer.body().map(body -> answer.statusCode() + " " + body));
            await(bulk.write("{\"index\":{\"_id\":\"h2-1\"}}\n{\"message\":\"H2MARKER one\"}\n"));
            HttpConnection connection = bulk.connection();

            // B: a wrong token, its body of unknown length still coming: answered, then its stream stopped (NO_ERROR)
            // rather than read for as long as the client sends
            HttpClientRequest wrongToken = await(client.request(HttpMethod.POST, "/" + INDEX + "/_search"));
            wrongToken.putHeader("Authorization", basic(token + "x", "token")).putHeader("Content-Type", "application/json")
                    .setChunked(true);
            CompletableFuture<Long> wrongTokenReset = resetCode(wrongToken);
            wrongToken.write(Buffer.buffer(new byte[64 * 1024]));
            assertEquals(401, await(wrongToken.response()).statusCode());
            assertEquals(0L, wrongTokenReset.get(10, TimeUnit.SECONDS));

            // C: a body declared larger than the gateway ever reads to discard it: answered, then its stream stopped
            HttpClientRequest tooLarge = await(client.request(HttpMethod.POST, "/" + INDEX + "/_search"));
            tooLarge.putHeader("Authorization", basic(token, "token")).putHeader("Content-Type", "application/json")
                    .putHeader("Content-Length", Long.toString(200L * 1024 * 1024));
            CompletableFuture<Long> tooLargeReset = resetCode(tooLarge);
            tooLarge.write(Buffer.buffer(new byte[64 * 1024]));
            assertEquals(413, await(tooLarge.response()).statusCode());
            assertEquals(0L, tooLargeReset.get(10, TimeUnit.SECONDS));

            // A goes on, on the same connection
            await(bulk.end("{\"index\":{\"_id\":\"h2-2\"}}\n{\"message\":\"H2MARKER two\"}\n"));
            String bulkAnswer = await(bulkAnswered);
            assertTrue(bulkAnswer.startsWith("200 ") && bulkAnswer.contains("\"errors\":false"), bulkAnswer);
            assertSame(connection, wrongToken.connection());
            assertSame(connection, tooLarge.connection());
            assertSame(connection, bulk.connection());
        } finally {
            await(client.close());
        }
    }

    /** HTTP/2 headers get the bound HTTP/1.1 gives the request line and headers together (16K + 16K by default). */
    @Test
    void http2HeadersHaveTheBoundsOfHttp11() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(HttpClient.Version.HTTP_2).build();
        for (int padding : new int[] {12_000, 40_000}) {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + listeners.searchPort() + "/" + INDEX + "/_search?q=TLSMARKER"))
                    .header("Authorization", basic(token, "token")).header("X-Forwarded-Padding", "p".repeat(padding)) // removed, not forwarded
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, answer.version());
            assertEquals(padding < 16 * 1024 ? 200 : 431, answer.statusCode(), padding + " bytes of header: " + answer.body());
        }
    }

    private static CompletableFuture<Long> resetCode(HttpClientRequest request) {
        CompletableFuture<Long> code = new CompletableFuture<>();
        request.exceptionHandler(failure -> {
            if (failure instanceof StreamResetException reset) {
                code.complete(reset.getCode());
            } else {
                code.completeExceptionally(failure);
            }
        });
        return code;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    // --- client certificates on the management listener ---

    @Test
    void managementAcceptsAnOperatorCertificateFromTheTrustedCaOrNone() {
        for (String store : new String[] {"operator.p12", null}) {
            try (RawHttpConnection connection = new RawHttpConnection(managementPort(), pki.clientContext(store).getSocketFactory())) {
                assertEquals(200, connection.exchange("GET", "/q/health/live", Map.of(), null).status());
                SSLSocket socket = (SSLSocket) connection.socket();
                assertEquals(store != null, socket.getSession().getLocalCertificates() != null);
            }
        }
    }

    @Test
    void managementRefusesACertificateFromAnotherCa() {
        ListenerTlsChecks.acceptsClientCertificatesFromTheCaOnly(pki, "https://127.0.0.1:" + managementPort() + "/q/health/live");
    }

    @Test
    void proxyListenersAskForNoClientCertificate() {
        try (RawHttpConnection connection = new RawHttpConnection(listeners.searchPort(), pki.clientContext("intruder.p12").getSocketFactory())) {
            assertEquals(401, connection.exchange("GET", "/", Map.of(), null).status());
            assertEquals(null, ((SSLSocket) connection.socket()).getSession().getLocalCertificates());
        }
    }

    // --- the official clients ---

    @Test
    void openSearchJavaClientOverHttps() throws IOException {
        HttpHost host = new HttpHost("https", "localhost", listeners.searchPort());
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(token, "token".toCharArray()));
        try (OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper())
                .setHttpClientConfigCallback(builder -> builder.setDefaultCredentialsProvider(credentials)
                        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                                .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(pki.clientContext(null)).build())
                                .build()))
                .build()) {
            OpenSearchClient client = new OpenSearchClient(transport);
            assertEquals("opensearch", client.info().version().distribution());
            String index = USER + "-i-java-tls";
            BulkResponse bulk = client.bulk(b -> b.refresh(Refresh.True).operations(op -> op.index(x -> x.index(index).id("1")
                    .document(Map.of("message", "JAVATLS written over https", "timestamp", "2026-11-28T00:00:00Z")))));
            assertFalse(bulk.errors(), () -> bulk.items().toString());
            SearchResponse<Map> found = client.search(x -> x.index(index).q("JAVATLS"), Map.class);
            assertEquals(1, found.hits().hits().size());
        }
    }

    @Test
    void openSearchJavaScriptClientOverHttps() {
        NodeClients.install();
        String script = "opensearch-client.mjs";
        JsonNode observed = NodeClients.run(script, Map.of(
                "GATEWAY_URL", "https://localhost:" + listeners.searchPort(),
                "NODE_EXTRA_CA_CERTS", pki.caPem().toString(),
                "DIRECT_URL", OpenSearchServer.get().uri().toString(),
                "GATEWAY_TOKEN", token,
                "OWN_INDEX", USER + "-i-node-tls",
                "OWN_INDEX_GZIP", USER + "-i-node-tls-gzip",
                "OWN_PATTERN", USER + "-i-*",
                "FOREIGN_INDEX", "logs-tz-00062-i-secret",
                "MARKER", "NODETLS"), token, Duration.ofMinutes(2));
        for (String step : new String[] {"info", "bulk", "refresh", "search", "count", "msearch", "gzipSearch"}) {
            assertTrue(observed.path(step).path("ok").asBoolean(), () -> step + ": " + observed.path(step));
        }
        assertFalse(observed.path("wrongToken").path("ok").asBoolean(true), observed::toString);
    }

    private String curl(String url, String... more) {
        return ListenerTlsChecks.curl(pki, url, more);
    }
}
