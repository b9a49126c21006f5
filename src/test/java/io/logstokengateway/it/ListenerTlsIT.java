package io.logstokengateway.it;

import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.ListenerPki;
import io.logstokengateway.testsupport.ListenerTlsChecks;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static io.logstokengateway.e2e.Http.basic;
import static io.logstokengateway.testsupport.ListenerTlsChecks.curl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Listener TLS on the packaged gateway run as a process, turned on as an operator does it (the PEM key store, the
 * operators' CA for client certificates, a reload period, as {@code ListenerTlsProfile} sets them), so that it is also
 * checked on the native executable ({@code ./mvnw verify -Dnative}): the protocols and cipher suites, ALPN and the
 * reload of renewed PEM files all depend on what the image build kept. {@code ListenerTlsTest} and
 * {@code CertificateRotationTest} check the same in-process, with more clients.
 */
class ListenerTlsIT {

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final String SERVICE = "ldp-tls-00001";
    private static final String USER = "logs-tls-00001";
    private static final String PASSWORD = SecretsInLogs.remember("Tls-Process-Password-" + UUID.randomUUID());
    private static final String INDEX = USER + "-i-tls";
    private static final String MARKER = "TLSPROCESSMARKER";
    /** How long new connections may keep getting the old certificate after the files are replaced (reload period: 1 s). */
    private static final Duration ROTATION_DEADLINE = Duration.ofSeconds(15);

    private static final ListenerPki PKI = ListenerPki.shared();
    private static GraylogEmulator graylog;
    private static GatewayProcess gateway;
    private static String token;

    @BeforeAll
    static void startGatewayWithTls() {
        graylog = GraylogEmulator.start();
        OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"" + MARKER + " over https\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
        gateway = GatewayProcess.builder("listener-tls")
                .adminKey(ADMIN_KEY)
                .dataDir(Path.of("target", "it-data", "listener-tls-" + System.currentTimeMillis()))
                .elasticsearchUpstream(OpenSearchServer.get().uri())
                .graylogUpstream(graylog.uri())
                .property("quarkus.tls.key-store.pem.0.cert", PKI.certPem().toString())
                .property("quarkus.tls.key-store.pem.0.key", PKI.keyPem().toString())
                .property("quarkus.tls.trust-store.pem.certs", PKI.caPem().toString())
                .property("quarkus.tls.reload-period", "1s")
                .property("gateway.management.client-auth", "request")
                .start();
        ManagementClient operator = ManagementClient.asOperator(gateway, ADMIN_KEY)
                .using(HttpClient.newBuilder().sslContext(PKI.clientContext(null)).version(HttpClient.Version.HTTP_1_1).build());
        operator.provision(SERVICE, USER, PASSWORD);
        token = SecretsInLogs.remember(operator.createToken(SERVICE, "tls").value());
    }

    @AfterAll
    static void stopAndCheckTheOutputForSecrets() throws IOException {
        SecretsInLogs.stopAndAssertNoneIn(gateway);
        if (graylog != null) {
            graylog.close();
        }
    }

    @Test
    void everyListenerAnswersOverHttpsWithTheCaOnlyAndNothingInClear() {
        assertEquals("200 https", curl(PKI, gateway.management("/q/health/live").toString()));
        assertEquals("401 https", curl(PKI, gateway.search("/").toString()));
        assertEquals("403 https", curl(PKI, "https://" + gateway.host() + ":" + gateway.graylogPort() + "/"));
        for (int port : ports()) {
            ListenerTlsChecks.servesNothingInClear(port);
        }
    }

    @Test
    void onlyTls13AndTls12WithAnAeadCipherAreAccepted() {
        for (int port : ports()) {
            ListenerTlsChecks.acceptsTls13AndTls12WithAnAeadCipher(PKI, port);
            ListenerTlsChecks.refusesTls11(PKI, port);
            ListenerTlsChecks.refusesTls12CbcCiphers(PKI, port);
        }
    }

    @Test
    void alpnNegotiatesHttp2WhenOfferedAndHttp11Otherwise() {
        for (int port : ports()) {
            ListenerTlsChecks.negotiatesHttp2WhenOfferedAndHttp11Otherwise(PKI, port);
        }
    }

    @Test
    void searchOverHttp2ReachesTheUpstream() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(PKI.clientContext(null)).version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> found = client.send(HttpRequest.newBuilder(gateway.search("/" + INDEX + "/_search?q=" + MARKER))
                .header("Authorization", basic(token, "token")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, found.version());
        assertEquals(200, found.statusCode(), found::body);
        assertTrue(found.body().contains(MARKER + " over https"), found::body);
    }

    @Test
    void managementAcceptsClientCertificatesFromTheCaOnly() {
        ListenerTlsChecks.acceptsClientCertificatesFromTheCaOnly(PKI, gateway.management("/q/health/live").toString());
    }

    /**
     * Replacing the PEM files as Kubernetes replaces a mounted secret's: every listener hands the renewed certificate
     * to new connections within the deadline. Connections arriving while a listener swaps its TLS context may be reset
     * (README, "TLS"): those attempts are retried.
     */
    @Test
    void newConnectionsGetTheRenewedCertificate() throws Exception {
        BigInteger renewed = PKI.rotate("gateway-renewed-" + System.nanoTime());
        long deadline = System.nanoTime() + ROTATION_DEADLINE.toNanos();
        Map<Integer, Object> served = new LinkedHashMap<>();
        do {
            assertTrue(System.nanoTime() < deadline, () -> "renewed certificate " + renewed + " not served within "
                    + ROTATION_DEADLINE.toSeconds() + " s; served by port: " + served);
            Thread.sleep(100);
            for (int port : ports()) {
                try {
                    served.put(port, ListenerTlsChecks.freshSerial(PKI, port));
                } catch (IOException swapping) {
                    served.put(port, swapping);
                }
            }
        } while (!served.values().stream().allMatch(renewed::equals));
        assertEquals("200 https", curl(PKI, gateway.management("/q/health/live").toString()));
    }

    private static int[] ports() {
        return new int[] {gateway.managementPort(), gateway.searchPort(), gateway.graylogPort()};
    }
}
