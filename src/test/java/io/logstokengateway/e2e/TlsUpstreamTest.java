package io.logstokengateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.TlsUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code https} upstreams behind a private CA (SPEC section 2). Both listeners trust the test CA through
 * {@code gateway.*.tls.trust-certificates}, hostname verification on (the default): the search listener's upstream
 * holds a certificate for {@code localhost}, the Graylog listener's one a certificate for {@code elsewhere.example}.
 * {@link TlsUpstreamTestHostnameCheckOffTest} covers the untrusted issuer and {@code verify-hostname=false}.
 */
@QuarkusTest
@TestProfile(TlsUpstreamTest.Profile.class)
class TlsUpstreamTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            TlsUpstream.Fixture tls = TlsUpstream.shared();
            return Map.of(
                    "gateway.elasticsearch.upstream", tls.localhost().uri().toString(),
                    "gateway.elasticsearch.tls.trust-certificates", tls.caPem().toString(),
                    "gateway.graylog.upstream", tls.wrongName().uri().toString(),
                    "gateway.graylog.tls.trust-certificates", tls.caPem().toString());
        }

        /** OpenSearchResource and GraylogResource would point the listeners elsewhere; none is needed here. */
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    static final String SERVICE = "ldp-tl-00001";
    static final String USER = "logs-tl-00001";
    static final String ES_USER = "tls-es-user";
    static final String ES_PASSWORD = SecretsInLogs.remember("Tls-Search-Side-Pass-1");
    static final String GRAYLOG_TOKEN = SecretsInLogs.remember("tls-graylog-side-access-token-0001");
    static String tokenValue;

    @Inject
    ProxyListeners listeners;

    TlsUpstream.Fixture tls = TlsUpstream.shared();

    @BeforeEach
    void provisionOnce() {
        tls.localhost().clearRequests();
        tls.wrongName().clearRequests();
        if (tokenValue == null) {
            Gateway.provision(SERVICE, USER, SecretsInLogs.remember("Tls-Account-Pass-1"), Map.of(
                    "elasticsearch", Map.of("username", ES_USER, "password", ES_PASSWORD),
                    "graylog", Map.of("token", GRAYLOG_TOKEN)));
            tokenValue = Gateway.createToken(SERVICE, "tls")[1];
        }
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    @Test
    void tokenRequestReachesTheUpstreamSignedByThePrivateCaAsTheService() {
        HttpResponse<String> response = Http.get(listeners.searchPort(), "/" + USER + "-i-x/_search", basic(tokenValue, "token"));

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"upstream\":\"localhost\""), response.body());
        TlsUpstream.Recorded seen = onlyRequestTo(tls.localhost(), "/" + USER + "-i-x/_search");
        assertEquals(basic(ES_USER, ES_PASSWORD), seen.header("Authorization"));
        assertFalse(seen.headers().toString().contains(tokenValue), "the client's token reached the upstream");
    }

    @Test
    void certificateForAnotherNameIsRefusedWith502InGraylogDialect() throws Exception {
        int connectionsBefore = tls.wrongName().tlsConnections();

        HttpResponse<String> response = Http.get(listeners.graylogPort(), "/api/system", basic(tokenValue, "token"));

        assertEquals(502, response.statusCode(), response.body());
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertEquals("ApiError", body.path("type").asText(), response.body());
        assertFalse(body.path("message").asText().isBlank(), response.body());
        assertFalse(response.body().contains(tokenValue));
        assertTrue(tls.wrongName().tlsConnections() > connectionsBefore, "the gateway never offered a TLS connection");
        assertEquals(List.of(), tls.wrongName().requests(), "a request was sent past a certificate for another name");
    }

    @Test
    void readinessReportsTheUpstreamWhoseCertificateIsRefused() {
        // the checks are shown to the operator only; the Graylog upstream's certificate is refused
        Gateway.asOperator().get("/q/health/group/graylog").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body(upstreamState("graylog", tls.wrongName()), equalTo("unreachable"));
        // the node stays ready for the search API, which does not need Graylog
        Gateway.asOperator().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(upstreamState("elasticsearch", tls.localhost()), equalTo("reachable"))
                .body(upstreamState("graylog", tls.wrongName()), equalTo("unreachable"));
        assertEquals(List.of(), tls.wrongName().requests());
    }

    static String upstreamState(String listener, TlsUpstream upstream) {
        return "checks.find { it.name == '" + listener + "-upstream' }.data['https://localhost:" + upstream.port() + "']";
    }

    static TlsUpstream.Recorded onlyRequestTo(TlsUpstream upstream, String rawPathAndQuery) {
        List<TlsUpstream.Recorded> seen = upstream.requests().stream()
                .filter(request -> request.rawPathAndQuery().equals(rawPathAndQuery)).toList();
        assertEquals(1, seen.size(), upstream.requests().toString());
        return seen.get(0);
    }
}
