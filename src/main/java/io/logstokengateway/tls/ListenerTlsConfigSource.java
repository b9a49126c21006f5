package io.logstokengateway.tls;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * With a key store in the TLS registry's default configuration, the management listener serves HTTPS on
 * {@code quarkus.http.port} and nothing in clear: Quarkus would otherwise keep plain HTTP there and open HTTPS on
 * {@code quarkus.http.ssl-port} (8443). Without a key store nothing is added. The ordinal is low, so an operator's own
 * {@code quarkus.http.ssl-port} or {@code quarkus.http.insecure-requests} still wins.
 * <p>
 * The PEM pair is also repeated under its dotted name: given only as environment variables
 * ({@code QUARKUS_TLS_KEY_STORE_PEM_0_CERT}, as in a container), the TLS registry would not see it, since the {@code 0}
 * is a map key that SmallRye Config cannot read back from an environment variable's name alone.
 */
public class ListenerTlsConfigSource implements ConfigSourceFactory {

    /** The key store forms of the default TLS configuration the gateway documents. */
    static final List<String> KEY_STORE_PROPERTIES = List.of(
            "quarkus.tls.key-store.pem.0.cert", "quarkus.tls.key-store.p12.path", "quarkus.tls.key-store.jks.path");
    /** The PEM pair's properties, keyed by the map key {@code 0}. */
    private static final List<String> PEM_PAIR = List.of(
            "quarkus.tls.key-store.pem.0.cert", "quarkus.tls.key-store.pem.0.key", "quarkus.tls.key-store.pem.0.password");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (KEY_STORE_PROPERTIES.stream().noneMatch(name -> isSet(context.getValue(name)))) {
            return List.of();
        }
        Map<String, String> derived = new HashMap<>(Map.of(
                "quarkus.http.ssl-port", "${quarkus.http.port:8080}",
                "quarkus.http.test-ssl-port", "${quarkus.http.test-port:8081}",
                "quarkus.http.insecure-requests", "disabled"));
        for (String name : PEM_PAIR) {
            ConfigValue value = context.getValue(name);
            if (isSet(value)) {
                derived.put(name, value.getValue());
            }
        }
        return List.of(new MapBackedConfigSource("listener TLS (quarkus.tls.key-store)", derived, 50) {
        });
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
