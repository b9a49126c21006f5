package io.logstokengateway.e2e;

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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gateway.*.tls.verify-hostname=false} on both listeners, which still trust only the test CA: the name in
 * the certificate is no longer checked, the issuer still is. The search listener's upstream holds a self-signed
 * certificate for {@code localhost}, the Graylog listener's one a CA-signed certificate for {@code elsewhere.example}.
 */
@QuarkusTest
@TestProfile(TlsUpstreamTestHostnameCheckOffTest.Profile.class)
class TlsUpstreamTestHostnameCheckOffTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            TlsUpstream.Fixture tls = TlsUpstream.shared();
            return Map.of(
                    "gateway.elasticsearch.upstream", tls.untrusted().uri().toString(),
                    "gateway.elasticsearch.tls.trust-certificates", tls.caPem().toString(),
                    "gateway.elasticsearch.tls.verify-hostname", "false",
                    "gateway.graylog.upstream", tls.wrongName().uri().toString(),
                    "gateway.graylog.tls.trust-certificates", tls.caPem().toString(),
                    "gateway.graylog.tls.verify-hostname", "false");
        }

        /** OpenSearchResource and GraylogResource would point the listeners elsewhere; none is needed here. */
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    static final String SERVICE = "ldp-tl-00002";
    static final String USER = "logs-tl-00002";
    static final String GRAYLOG_TOKEN = SecretsInLogs.remember("tls-graylog-side-access-token-0002");
    static String tokenValue;

    @Inject
    ProxyListeners listeners;

    TlsUpstream.Fixture tls = TlsUpstream.shared();

    @BeforeEach
    void provisionOnce() {
        tls.untrusted().clearRequests();
        tls.wrongName().clearRequests();
        if (tokenValue == null) {
            Gateway.provision(SERVICE, USER, SecretsInLogs.remember("Tls-Account-Pass-2"), Map.of(
                    "elasticsearch", Map.of("username", "tls-es-user-2", "password", SecretsInLogs.remember("Tls-Search-Side-Pass-2")),
                    "graylog", Map.of("token", GRAYLOG_TOKEN)));
            tokenValue = Gateway.createToken(SERVICE, "tls-no-hostname-check")[1];
        }
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    @Test
    void certificateFromAnUntrustedIssuerIsRefusedWith502EvenWithoutHostnameCheck() {
        int connectionsBefore = tls.untrusted().tlsConnections();

        HttpResponse<String> response = Http.get(listeners.searchPort(), "/" + USER + "-i-x/_search", basic(tokenValue, "token"));

        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"status\":502"), response.body()); // Elasticsearch dialect
        assertFalse(response.body().contains(tokenValue));
        assertTrue(tls.untrusted().tlsConnections() > connectionsBefore, "the gateway never offered a TLS connection");
        assertEquals(List.of(), tls.untrusted().requests(), "a request was sent to an upstream no trusted CA vouches for");
    }

    @Test
    void certificateForAnotherNameIsAcceptedWhenHostnameCheckIsOff() {
        HttpResponse<String> response = Http.get(listeners.graylogPort(), "/api/system", basic(tokenValue, "token"));

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"upstream\":\"wrong-name\""), response.body());
        TlsUpstream.Recorded seen = TlsUpstreamTest.onlyRequestTo(tls.wrongName(), "/api/system");
        assertEquals(basic(GRAYLOG_TOKEN, "token"), seen.header("Authorization"));
        assertFalse(seen.headers().toString().contains(tokenValue), "the client's token reached the upstream");
    }
}
