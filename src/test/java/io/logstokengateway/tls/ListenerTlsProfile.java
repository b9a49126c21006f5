package io.logstokengateway.tls;

import io.logstokengateway.testsupport.FreePorts;
import io.logstokengateway.testsupport.ListenerPki;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The gateway as an operator turns TLS on: only the default key store (PEM files), a reload period, and for the
 * management listener a trust store of the operators' CA with client certificates requested. The management
 * listener's port is chosen here.
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
     * The management listener's (HTTPS) port, chosen once (Quarkus loads this class again for each profile), as HTTPS
     * takes {@code quarkus.http.test-port}'s place.
     */
    static synchronized int managementPort() {
        String chosen = System.getProperty(PORT_PROPERTY);
        if (chosen == null) {
            chosen = Integer.toString(FreePorts.next());
            System.setProperty(PORT_PROPERTY, chosen);
        }
        return Integer.parseInt(chosen);
    }
}
