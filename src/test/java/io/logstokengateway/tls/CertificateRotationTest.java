package io.logstokengateway.tls;

import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.ListenerPki;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.RawHttpConnection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.logstokengateway.testsupport.ListenerTlsChecks.freshSerial;
import static io.logstokengateway.testsupport.ListenerTlsChecks.serial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A renewed certificate is served without a restart: the key pair is replaced in the mounted folder the way Kubernetes
 * replaces a secret's files; within a few reload periods ({@code quarkus.tls.reload-period=1s}) every listener hands
 * the new certificate to new connections, while connections opened before keep working with the old one. How long
 * that took, and how many connections were reset during the swap, is written to {@code target/tls-rotation.txt}.
 */
@QuarkusTest
@TestProfile(ListenerTlsProfile.class)
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class CertificateRotationTest {

    static final long DEADLINE_MILLIS = 15_000;

    @Inject
    ProxyListeners listeners;

    final ListenerPki pki = ListenerPki.shared();

    @Test
    void newConnectionsGetTheRenewedCertificateAndOpenOnesKeepWorking() throws Exception {
        SSLContext client = pki.clientContext(null);
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("management", ListenerTlsProfile.managementPort());
        ports.put("elasticsearch", listeners.searchPort());
        ports.put("graylog", listeners.graylogPort());
        Map<String, String> paths = Map.of("management", "/q/health/live", "elasticsearch", "/", "graylog", "/");
        Map<String, Integer> statuses = Map.of("management", 200, "elasticsearch", 401, "graylog", 403);

        Map<String, RawHttpConnection> open = new LinkedHashMap<>();
        Map<String, BigInteger> before = new LinkedHashMap<>();
        for (var listener : ports.entrySet()) {
            RawHttpConnection connection = new RawHttpConnection(listener.getValue(), client.getSocketFactory());
            assertEquals(statuses.get(listener.getKey()), connection.exchange("GET", paths.get(listener.getKey()), Map.of(), null).status());
            open.put(listener.getKey(), connection);
            before.put(listener.getKey(), serial((SSLSocket) connection.socket()));
        }

        BigInteger renewed = pki.rotate("gateway-renewed-" + System.nanoTime());
        long rotated = System.nanoTime();
        Map<String, Long> seenAfterMillis = new LinkedHashMap<>();
        int attempts = 0;
        List<String> resets = new ArrayList<>();
        while (seenAfterMillis.size() < ports.size() && (System.nanoTime() - rotated) / 1_000_000 < DEADLINE_MILLIS) {
            for (var listener : ports.entrySet()) {
                if (seenAfterMillis.containsKey(listener.getKey())) {
                    continue;
                }
                attempts++;
                try {
                    if (renewed.equals(freshSerial(pki, listener.getValue()))) {
                        seenAfterMillis.put(listener.getKey(), (System.nanoTime() - rotated) / 1_000_000);
                    }
                } catch (IOException swapping) {
                    resets.add(listener.getKey());
                }
            }
            Thread.sleep(50);
        }
        Files.writeString(Path.of("target", "tls-rotation.txt"), "reload period 1 s; new certificate seen by new connections after"
                + " (ms): " + seenAfterMillis + "; connections refused while a listener swapped its TLS context: " + resets
                + " of " + attempts + "\n");
        assertEquals(ports.keySet(), seenAfterMillis.keySet(), () -> "renewed certificate seen within " + DEADLINE_MILLIS
                + " ms only on " + seenAfterMillis);

        for (var listener : open.entrySet()) {
            RawHttpConnection connection = listener.getValue();
            SSLSocket socket = (SSLSocket) connection.socket();
            assertEquals(statuses.get(listener.getKey()), connection.exchange("GET", paths.get(listener.getKey()), Map.of(), null).status());
            assertSame(socket, connection.socket(), "the same connection answered");
            assertEquals(before.get(listener.getKey()), serial(socket), "an open connection keeps its certificate");
            connection.close();
        }
        before.values().forEach(old -> assertTrue(!old.equals(renewed)));
        // Vert.x 4.5 resets connections arriving while a server swaps its TLS context (README, "TLS"); once swapped,
        // every new connection gets the renewed certificate.
        for (var listener : ports.entrySet()) {
            for (int i = 0; i < 10; i++) {
                assertEquals(renewed, freshSerial(pki, listener.getValue()), listener.getKey());
            }
        }
    }
}
