package io.logstokengateway.tls;

import io.logstokengateway.testsupport.ListenerPki;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The gateway as an operator turns TLS on: only the default key store (PEM files), a reload period, and for the
 * management listener a trust store of the operators' CA with client certificates requested. The management
 * listener's port is chosen here (a free one), as HTTPS takes {@code quarkus.http.test-port}'s place.
 */
public class ListenerTlsProfile implements QuarkusTestProfile {

    private static final String PORT_PROPERTY = "ltg.test.listener-tls.management-port";

    @Override
    public Map<String, String> getConfigOverrides() {
        ListenerPki pki = ListenerPki.shared();
        return Map.of(
                "quarkus.tls.key-store.pem.0.cert", pki.certPem().toString(),
                "quarkus.tls.key-store.pem.0.key", pki.keyPem().toString(),
                "quarkus.tls.trust-store.pem.certs", pki.caPem().toString(),
                "quarkus.tls.reload-period", "1s",
                "gateway.management.client-auth", "request",
                "quarkus.http.test-port", Integer.toString(managementPort()));
    }

    /**
     * The management listener's (HTTPS) port: a free one below the kernel's ephemeral range (32768 and up on Linux),
     * chosen once. A port from that range could be taken, by the time Quarkus binds it, as the local end of one of the
     * many client connections the tests before open.
     */
    static synchronized int managementPort() {
        String chosen = System.getProperty(PORT_PROPERTY);
        if (chosen == null) {
            for (int attempt = 0; chosen == null; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
                try (ServerSocket socket = new ServerSocket(port)) {
                    chosen = Integer.toString(socket.getLocalPort());
                } catch (IOException taken) {
                    if (attempt == 100) {
                        throw new UncheckedIOException("no free port found for the management listener", taken);
                    }
                }
            }
            System.setProperty(PORT_PROPERTY, chosen);
        }
        return Integer.parseInt(chosen);
    }
}
