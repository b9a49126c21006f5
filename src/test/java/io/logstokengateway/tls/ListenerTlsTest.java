package io.logstokengateway.tls;

import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        for (int port : new int[] {managementPort(), listeners.searchPort(), listeners.graylogPort()}) {
            Command.Result plain = Command.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                    "http://127.0.0.1:" + port + "/");
            assertNotEquals(0, plain.exitCode(), () -> "port " + port + " answered plain HTTP: " + plain);
        }
    }

    private String curl(String url, String... more) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", pki.caPem().toString(), "-o", "/dev/null",
                "-w", "%{http_code} %{scheme}", "--max-time", "20"));
        command.addAll(List.of(more));
        command.add(url);
        Command.Result result = Command.run(command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result::toString);
        return result.output().trim().toLowerCase();
    }
}
