package io.logstokengateway.tls;

import io.logstokengateway.config.GatewayConfig;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gateway.management.client-auth} on the management listener's HTTPS options, as Quarkus hands them over: the
 * policy is applied when a key store and a trust store are there, and the gateway refuses to start when either is
 * missing (the running listener's answers to good and bad client certificates are in {@link ListenerTlsTest}).
 */
class ManagementClientAuthTest {

    private static ListenerTls tls(ClientAuth clientAuth) {
        GatewayConfig.Management management = () -> clientAuth;
        GatewayConfig config = (GatewayConfig) Proxy.newProxyInstance(GatewayConfig.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("management")) {
                        return management;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        TlsConfigurationRegistry registry = new TlsConfigurationRegistry() {
            @Override
            public Optional<TlsConfiguration> get(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<TlsConfiguration> getDefault() {
                return Optional.empty();
            }

            @Override
            public void register(String name, TlsConfiguration configuration) {
                throw new UnsupportedOperationException();
            }
        };
        return new ListenerTls(registry, config);
    }

    private static HttpServerOptions https(boolean keyStore, boolean trustStore) {
        HttpServerOptions options = new HttpServerOptions().setSsl(true);
        if (keyStore) {
            options.setKeyCertOptions(new PemKeyCertOptions().setCertPath("tls.crt").setKeyPath("tls.key"));
        }
        if (trustStore) {
            options.setTrustOptions(new PemTrustOptions().addCertPath("operators-ca.pem"));
        }
        return options;
    }

    @Test
    void requestedOrRequiredIsAppliedWithAKeyStoreAndATrustStore() {
        for (ClientAuth policy : new ClientAuth[] {ClientAuth.REQUEST, ClientAuth.REQUIRED}) {
            HttpServerOptions options = https(true, true);
            tls(policy).customizeHttpsServer(options);
            assertEquals(policy, options.getClientAuth());
        }
    }

    @Test
    void noneLeavesQuarkusOptionsAlone() {
        HttpServerOptions options = https(false, false);
        tls(ClientAuth.NONE).customizeHttpsServer(options);
        assertEquals(ClientAuth.NONE, options.getClientAuth());
    }

    @Test
    void requiredWithoutAKeyStoreRefusesToStart() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> tls(ClientAuth.REQUIRED).customizeHttpsServer(https(false, true)));
        assertTrue(refused.getMessage().contains("gateway.management.client-auth=required"), refused.getMessage());
    }

    @Test
    void requestedWithoutATrustStoreRefusesToStart() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> tls(ClientAuth.REQUEST).customizeHttpsServer(https(true, false)));
        assertTrue(refused.getMessage().contains("quarkus.tls.trust-store"), refused.getMessage());
    }
}
