package io.logstokengateway.tls;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a key store in the default TLS configuration changes on the management listener, and what it leaves alone. */
class ListenerTlsConfigSourceTest {

    private static SmallRyeConfig config(Map<String, String> environment, Map<String, String> properties) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new EnvConfigSource(environment, 300))
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .withSources(new ListenerTlsConfigSource())
                .build();
    }

    @Test
    void aPemKeyStoreMovesTheManagementListenerToHttpsOnItsOwnPort() {
        SmallRyeConfig config = config(Map.of(), Map.of("quarkus.http.port", "8080",
                "quarkus.tls.key-store.pem.0.cert", "/tls/tls.crt", "quarkus.tls.key-store.pem.0.key", "/tls/tls.key"));
        assertEquals("8080", config.getValue("quarkus.http.ssl-port", String.class));
        assertEquals("disabled", config.getValue("quarkus.http.insecure-requests", String.class));
    }

    @Test
    void aKeyStoreGivenAsEnvironmentVariablesIsVisibleToTheTlsRegistryUnderItsDottedName() {
        SmallRyeConfig config = config(Map.of("QUARKUS_TLS_KEY_STORE_PEM_0_CERT", "/tls/tls.crt",
                "QUARKUS_TLS_KEY_STORE_PEM_0_KEY", "/tls/tls.key", "QUARKUS_HTTP_PORT", "9443"), Map.of());
        Set<String> names = new HashSet<>();
        config.getPropertyNames().forEach(names::add);
        assertTrue(names.contains("quarkus.tls.key-store.pem.0.cert"), names::toString);
        assertTrue(names.contains("quarkus.tls.key-store.pem.0.key"), names::toString);
        assertEquals("/tls/tls.key", config.getValue("quarkus.tls.key-store.pem.0.key", String.class));
        assertEquals("9443", config.getValue("quarkus.http.ssl-port", String.class));
    }

    @Test
    void aPkcs12KeyStoreDoesTheSame() {
        SmallRyeConfig config = config(Map.of("QUARKUS_TLS_KEY_STORE_P12_PATH", "/tls/gateway.p12"), Map.of());
        assertEquals("disabled", config.getValue("quarkus.http.insecure-requests", String.class));
        assertEquals("8080", config.getValue("quarkus.http.ssl-port", String.class));
    }

    @Test
    void withoutAKeyStoreNothingChanges() {
        SmallRyeConfig config = config(Map.of(), Map.of("quarkus.tls.protocols", "TLSv1.3,TLSv1.2"));
        assertFalse(config.getOptionalValue("quarkus.http.insecure-requests", String.class).isPresent());
        assertFalse(config.getOptionalValue("quarkus.http.ssl-port", String.class).isPresent());
    }

    @Test
    void anOperatorsOwnChoiceWins() {
        SmallRyeConfig config = config(Map.of("QUARKUS_HTTP_INSECURE_REQUESTS", "redirect", "QUARKUS_HTTP_SSL_PORT", "8443"),
                Map.of("quarkus.tls.key-store.pem.0.cert", "/tls/tls.crt", "quarkus.tls.key-store.pem.0.key", "/tls/tls.key"));
        assertEquals("redirect", config.getValue("quarkus.http.insecure-requests", String.class));
        assertEquals("8443", config.getValue("quarkus.http.ssl-port", String.class));
    }
}
