package io.logstokengateway.e2e;

import io.logstokengateway.auth.TokenUsage;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search API listener end to end, in front of a real OpenSearch. */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class SearchListenerTest {

    static final String SERVICE = "ldp-e2e-00001";
    static final String USER = "logs-e2e-00001";
    static final String PASSWORD = SecretsInLogs.remember("Correct-Horse-Battery-42");
    static final String INDEX = USER + "-i-app";
    static String tokenValue;

    @Inject
    ProxyListeners listeners;

    @Inject
    TokenUsage usage;

    @BeforeEach
    void provisionOnce() {
        if (tokenValue != null) {
            return;
        }
        Gateway.provision(SERVICE, USER, PASSWORD, Map.of());
        OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"hello from e2e\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
        tokenValue = Gateway.createToken(SERVICE, "e2e")[1];
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    private HttpResponse<String> search(String authorization) {
        return Http.get(listeners.searchPort(), "/" + INDEX + "/_search?q=hello", authorization);
    }

    @Test
    void tokenAsUsernameWithPasswordTokenFindsTheDocument() {
        HttpResponse<String> response = search(basic(tokenValue, "token"));
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("hello from e2e"));
    }

    @Test
    void theWordTokenIsAcceptedInAnyCaseAndOnEitherSide() {
        assertEquals(200, search(basic(tokenValue, "TOKEN")).statusCode());
        assertEquals(200, search(basic(tokenValue, "Token")).statusCode());
        assertEquals(200, search(basic("token", tokenValue)).statusCode());
        assertEquals(200, search(basic("ToKeN", tokenValue)).statusCode());
    }

    @Test
    void bearerTokenIsAccepted() {
        assertEquals(200, search("Bearer " + tokenValue).statusCode());
    }

    @Test
    void accountCredentialsAreAccepted() {
        assertEquals(200, search(basic(USER, PASSWORD)).statusCode());
    }

    @Test
    void missingCredentialsGet401WithChallengeInElasticsearchDialect() {
        HttpResponse<String> response = search(null);
        assertEquals(401, response.statusCode());
        assertEquals("Basic realm=\"logs-token-gateway\"", response.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(response.body().contains("\"type\":\"security_exception\""), response.body());
        assertTrue(response.body().contains("\"status\":401"), response.body());
    }

    @Test
    void everyRefusalLooksTheSameWhateverTheReason() {
        String none = search(null).body();
        for (String authorization : new String[] {basic(USER, "wrong-password-123"), basic("nobody", PASSWORD),
                basic("unknown-token-value", "token"), "Bearer nope", "Basic !!!not-base64", "Digest abc", basic(tokenValue, "nottoken")}) {
            HttpResponse<String> response = search(authorization);
            assertEquals(401, response.statusCode());
            assertEquals(none, response.body());
            assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
        }
    }

    @Test
    void revokedTokenIsRefusedOnTheNextRequest() {
        String[] token = Gateway.createToken(SERVICE, "short-lived");
        assertEquals(200, search(basic(token[1], "token")).statusCode()); // now cached
        Gateway.asOperator().delete("/dbaas/logs/{s}/token/{t}", SERVICE, token[0]).then().statusCode(200);
        assertEquals(401, search(basic(token[1], "token")).statusCode());
        assertEquals(401, search("Bearer " + token[1]).statusCode());
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        String operationId = Gateway.asOperator()
                .body(Map.of("name", "expiring", "expiresAt", Instant.now().plusSeconds(2).toString()))
                .post("/dbaas/logs/{s}/token", SERVICE).then().statusCode(200).extract().path("operationId");
        String tokenId = Gateway.asOperator().get("/dbaas/logs/{s}/operation/{o}", SERVICE, operationId).then().extract().path("tokenId");
        String value = SecretsInLogs.remember(Gateway.asOperator().get("/dbaas/logs/{s}/token/{t}", SERVICE, tokenId)
                .then().extract().path("value"));
        assertEquals(200, search(basic(value, "token")).statusCode());
        Thread.sleep(2500);
        assertEquals(401, search(basic(value, "token")).statusCode());
    }

    @Test
    void useOfATokenIsRecordedAsLastUsedAt() {
        String[] token = Gateway.createToken(SERVICE, "usage");
        Instant before = Instant.now().minusSeconds(1);
        assertNull(Gateway.asOperator().get("/dbaas/logs/{s}/token/{t}", SERVICE, token[0]).then().extract().path("lastUsedAt"));
        assertEquals(200, search(basic(token[1], "token")).statusCode());
        usage.flush(); // what the periodic flush does
        String lastUsedAt = Gateway.asOperator().get("/dbaas/logs/{s}/token/{t}", SERVICE, token[0]).then().extract().path("lastUsedAt");
        assertTrue(Instant.parse(lastUsedAt).isAfter(before), lastUsedAt);
    }

    @Test
    void requestsAndAuthenticationOutcomesAreInTheMetricsWithoutSecrets() {
        assertEquals(200, search(basic(tokenValue, "token")).statusCode());
        assertEquals(401, search(null).statusCode());
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("gateway_requests_total{listener=\"elasticsearch\",outcome=\"forwarded\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("gateway_requests_total{listener=\"elasticsearch\",outcome=\"unauthenticated\",status=\"401\"}"));
        assertTrue(metrics.contains("gateway_upstream_latency_seconds_count{listener=\"elasticsearch\"}"));
        assertTrue(metrics.contains("gateway_auth_total{outcome=\"accepted\",source=\"cache\"}"));
        assertFalse(metrics.contains(tokenValue));
    }

    @Test
    void readinessChecksTheRegistryAndTheUpstreams() {
        Gateway.asOperator().get("/q/health/ready").then().statusCode(200) // the checks are shown to the operator only
                .body("status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItems("registry", "elasticsearch-upstream", "graylog-upstream"));
    }

    @Test
    void headIsAnsweredWithoutBody() {
        HttpResponse<String> response = Http.send(Http.request(listeners.searchPort(), "/" + INDEX)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", basic(tokenValue, "token")).build());
        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void chunkedUploadWithExpectContinueReachesTheUpstream() {
        String bulk = "{\"index\":{\"_index\":\"" + INDEX + "\",\"_id\":\"chunked\"}}\n{\"message\":\"sent in chunks\"}\n";
        HttpResponse<String> response = Http.send(Http.request(listeners.searchPort(), "/_bulk?refresh=true")
                .expectContinue(true)
                .header("Authorization", basic(tokenValue, "token"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bulk.getBytes(StandardCharsets.UTF_8))))
                .build());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(search(basic(tokenValue, "token")).statusCode() == 200);
        assertTrue(OpenSearchServer.get().get("/" + INDEX + "/_doc/chunked").contains("sent in chunks"));
    }

    /** A client that writes a new index and searches its wildcard next finds what it wrote, catalog refresh or not. */
    @Test
    void anIndexCreatedThroughTheGatewayIsReachedByWildcardsAtOnce() {
        for (int i = 0; i < 5; i++) {
            String index = USER + "-i-new" + i;
            String bulk = "{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"n\"}}\n{\"message\":\"fresh" + i + "\"}\n";
            HttpResponse<String> written = Http.send(Http.request(listeners.searchPort(), "/_bulk?refresh=true")
                    .header("Authorization", basic(tokenValue, "token")).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(bulk)).build());
            assertEquals(200, written.statusCode(), written.body());
            HttpResponse<String> found = Http.get(listeners.searchPort(), "/" + USER + "-i-new*/_search?q=message:fresh" + i,
                    basic(tokenValue, "token"));
            assertEquals(200, found.statusCode(), found.body());
            assertTrue(found.body().contains("\"_index\":\"" + index + "\""), found.body());
        }
    }

    @Test
    void uploadWithoutCredentialsIsRefusedBeforeTheBodyIsSent() {
        String statusLine = Http.rawStatusLine(listeners.searchPort(), "POST /_bulk HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-ndjson\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n");
        assertEquals("HTTP/1.1 401 Unauthorized", statusLine); // no "100 Continue": the body is never asked for
    }

    @Test
    void upstreamHeadersAndContentTypePassThrough() {
        HttpResponse<String> response = Http.send(Http.request(listeners.searchPort(), "/" + INDEX + "/_search")
                .header("Authorization", basic(tokenValue, "token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"match\":{\"message\":\"hello\"}}}")).build());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertTrue(response.body().contains("hello from e2e"));
    }
}
