package io.logstokengateway.config;

import io.logstokengateway.proxy.ProxyProtocolSources;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/** Rules across properties, checked before anything listens: the gateway refuses to start on a contradiction. */
@ApplicationScoped
public class ConfigValidator {

    /** Minimum decoded length of the operator key, and of distinct byte values in it (random bytes have about 30). */
    private static final int KEY_BYTES = 32;
    private static final int KEY_DISTINCT_BYTES = 16;
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]+={0,2}");

    private static final Logger LOG = Logger.getLogger(ConfigValidator.class);

    void check(@Observes @Priority(1) StartupEvent startup, GatewayConfig config,
               @ConfigProperty(name = "quarkus.http.proxy.use-proxy-protocol", defaultValue = "false") boolean managementProxyProtocol) {
        List<String> problems = problems(config, managementProxyProtocol);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid configuration:\n - " + String.join("\n - ", problems));
        }
        if (ImageMode.current() == ImageMode.NATIVE_RUN && config.registry().kind() == GatewayConfig.RegistryKind.h2) {
            // It works (README, "Native executable and container"), but H2's embedded engine is outside what Quarkus
            // supports in native executables.
            LOG.warn("The native executable runs the embedded H2 registry, which Quarkus does not support in native"
                    + " executables: in production, use gateway.registry.kind=postgresql (or the jar for the embedded registry)");
        }
    }

    static List<String> problems(GatewayConfig config, boolean managementProxyProtocol) {
        List<String> problems = new ArrayList<>();
        checkUpstreams("gateway.elasticsearch.upstream", config.elasticsearch().upstream(), problems);
        checkUpstreams("gateway.graylog.upstream", config.graylog().upstream(), problems);
        if (config.registry().kind() == GatewayConfig.RegistryKind.postgresql && config.secrets().key().isEmpty()) {
            problems.add("gateway.secrets.key is required with gateway.registry.kind=postgresql: every node sharing the database"
                    + " needs the same key (generate one with `openssl rand -base64 32`)");
        }
        if (config.cluster().nodeTimeout().compareTo(config.cluster().pollInterval().multipliedBy(3)) < 0) {
            problems.add("gateway.cluster.node-timeout must be at least 3 times gateway.cluster.poll-interval: a node that has"
                    + " not caught up with the registry for node-timeout minus one poll interval stops trusting its caches");
        }
        GatewayConfig.IdentityHeaders headers = config.elasticsearch().identityHeaders();
        if ((headers.user().isPresent() || headers.roles().isPresent())
                && config.elasticsearch().identity() != GatewayConfig.IdentityMode.GATEWAY_CREDENTIALS) {
            problems.add("gateway.elasticsearch.identity-headers.* only apply with gateway.elasticsearch.identity=gateway-credentials");
        }
        checkGatewayCredentials("gateway.elasticsearch", config.elasticsearch(), problems);
        checkGatewayCredentials("gateway.graylog", config.graylog(), problems);
        checkTrustCertificates("gateway.elasticsearch", config.elasticsearch(), problems);
        checkTrustCertificates("gateway.graylog", config.graylog(), problems);
        config.admin().key().filter(key -> !key.isBlank()).filter(key -> !isStrongKey(key)).ifPresent(key ->
                problems.add("gateway.admin.key must be at least 32 random bytes, written in hex or base64 (generate one with"
                        + " `openssl rand -hex 32`): the operator key opens every service"));
        GatewayConfig.Throttle throttle = config.auth().throttle();
        if (throttle.failuresPerUsername() < 1 || throttle.failuresPerAddress() < 1 || throttle.maxTracked() < 1
                || throttle.window().isNegative() || throttle.window().isZero()) {
            problems.add("gateway.auth.throttle.failures-per-username, failures-per-address, max-tracked and window must be positive");
        }
        if (config.audit().maxEventsPerSecond() < 1 || config.audit().maxEventsPerClientPerSecond() < 1) {
            problems.add("gateway.audit.max-events-per-second and max-events-per-client-per-second must be positive");
        }
        config.proxyProtocol().trustedSources().ifPresent(sources -> {
            try {
                ProxyProtocolSources.parse(sources);
            } catch (IllegalArgumentException e) {
                problems.add("gateway.proxy-protocol.trusted-sources: " + e.getMessage());
            }
        });
        if (managementProxyProtocol) {
            problems.add("quarkus.http.proxy.use-proxy-protocol: the management listener would take the client address of any"
                    + " peer's PROXY header, unchecked; gateway.proxy-protocol.trusted-sources sets the PROXY protocol on the"
                    + " search and Graylog listeners, for the balancers named there");
        }
        return problems;
    }

    /**
     * Whether the key reads as at least 32 random bytes, hex or base64 (standard or URL-safe, padded or not). Randomness
     * cannot be proven; a key without enough distinct bytes ({@code 00…}, a repeated pattern) is certainly not random.
     */
    static boolean isStrongKey(String key) {
        byte[] bytes;
        if (HEX.matcher(key).matches()) {
            bytes = HexFormat.of().parseHex(key);
        } else if (BASE64.matcher(key).matches()) {
            try {
                // Padding is optional to this decoder; URL-safe letters are mapped to the standard ones.
                bytes = Base64.getDecoder().decode(key.replace("=", "").replace('-', '+').replace('_', '/'));
            } catch (IllegalArgumentException e) {
                return false;
            }
        } else {
            return false;
        }
        return bytes.length >= KEY_BYTES && IntStream.range(0, bytes.length).map(i -> bytes[i]).distinct().count() >= KEY_DISTINCT_BYTES;
    }

    private static void checkUpstreams(String property, List<URI> upstreams, List<String> problems) {
        for (URI uri : upstreams) {
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                problems.add(property + ": '" + uri + "' is not an http:// or https:// URL with a host");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                problems.add(property + ": '" + uri.getHost() + "' must not carry credentials, a query or a fragment"
                        + " (credentials go in gateway.*.credentials or on the service)");
            }
        }
    }

    /** Vert.x reads the file only at the first upstream connection: without this, a typo is a 502 on every request. */
    private static void checkTrustCertificates(String prefix, GatewayConfig.Listener listener, List<String> problems) {
        listener.tls().trustCertificates().ifPresent(pem -> {
            String property = prefix + ".tls.trust-certificates";
            try {
                String text = Files.readString(pem, StandardCharsets.ISO_8859_1);
                if (!text.contains("-----BEGIN CERTIFICATE-----")
                        || CertificateFactory.getInstance("X.509").generateCertificates(
                                new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1))).isEmpty()) {
                    problems.add(property + ": '" + pem + "' holds no PEM certificate");
                }
            } catch (IOException e) {
                problems.add(property + ": cannot read '" + pem + "' (" + e + ")");
            } catch (CertificateException e) {
                problems.add(property + ": '" + pem + "' is not a PEM file of certificates (" + e.getMessage() + ")");
            }
        });
    }

    private static void checkGatewayCredentials(String prefix, GatewayConfig.Listener listener, List<String> problems) {
        if (listener.credentials().password().isPresent() && listener.credentials().username().isEmpty()) {
            problems.add(prefix + ".credentials.password is set without " + prefix + ".credentials.username");
        }
    }
}
