package io.logstokengateway.tls;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * With a key store in the TLS registry's default configuration, the management listener serves HTTPS on
 * {@code quarkus.http.port} and nothing in clear: Quarkus would otherwise keep plain HTTP there and open HTTPS on
 * {@code quarkus.http.ssl-port} (8443). Without a key store nothing is added. The ordinal is low, so an operator's own
 * {@code quarkus.http.ssl-port} or {@code quarkus.http.insecure-requests} still wins.
 */
public class ListenerTlsConfigSource implements ConfigSourceFactory {

    /** The key store forms of the default TLS configuration the gateway documents. */
    static final List<String> KEY_STORE_PROPERTIES = List.of(
            "quarkus.tls.key-store.pem.0.cert", "quarkus.tls.key-store.p12.path", "quarkus.tls.key-store.jks.path");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (KEY_STORE_PROPERTIES.stream().noneMatch(name -> isSet(context.getValue(name)))) {
            return List.of();
        }
        return List.of(new MapBackedConfigSource("listener TLS (quarkus.tls.key-store)", Map.of(
                "quarkus.http.ssl-port", "${quarkus.http.port:8080}",
                "quarkus.http.test-ssl-port", "${quarkus.http.test-port:8081}",
                "quarkus.http.insecure-requests", "disabled"), 50) {
        });
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
