package io.logstokengateway.tls;

import io.logstokengateway.config.GatewayConfig;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.tls.runtime.config.TlsConfig;
import io.quarkus.tls.runtime.config.TlsConfigUtils;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SSLOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The TLS of the three listeners, from the TLS registry's default configuration ({@code quarkus.tls.*}): with a key
 * store, the proxy listeners get its key, protocols and ciphers here, the management listener gets them from Quarkus
 * (moved to its usual port by {@link ListenerTlsConfigSource}) and its client-certificate policy here. A reloaded
 * certificate ({@code quarkus.tls.reload-period}) reaches the proxy listeners' servers here and Quarkus' own server
 * through Quarkus; connections already open keep the certificate they were made with.
 */
@ApplicationScoped
public class ListenerTls implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(ListenerTls.class);

    private final Optional<TlsConfiguration> tls;
    private final ClientAuth managementClientAuth;
    private final List<HttpServer> proxyServers = new CopyOnWriteArrayList<>();
    /** What the proxy listeners' servers were last given. */
    private SSLOptions applied;

    public ListenerTls(TlsConfigurationRegistry registry, GatewayConfig config) {
        this.tls = registry.getDefault().filter(configuration -> configuration.getKeyStoreOptions() != null);
        this.managementClientAuth = config.management().clientAuth();
        this.applied = tls.map(TlsConfiguration::getSSLOptions).orElse(null);
    }

    /** Whether the listeners serve HTTPS: the default TLS configuration has a key store. */
    public boolean enabled() {
        return tls.isPresent();
    }

    /**
     * A proxy listener's options with TLS, HTTP/2 offered through ALPN (never in clear), when {@link #enabled()};
     * unchanged otherwise.
     */
    public HttpServerOptions secure(HttpServerOptions options) {
        tls.ifPresent(configuration -> {
            TlsConfigUtils.configure(options, configuration);
            options.setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
        });
        return options;
    }

    /** A proxy listener's server instance, to receive reloaded certificates. */
    public void register(HttpServer server) {
        if (enabled()) {
            proxyServers.add(server);
        }
    }

    /**
     * Fired every {@code quarkus.tls.reload-period}, whether the files changed or not. Only a change is handed on:
     * a connection arriving while Vert.x (4.5) swaps a server's TLS context is reset, so the servers are left alone
     * when there is nothing to swap.
     */
    synchronized void reload(@Observes CertificateUpdatedEvent update) {
        SSLOptions options = update.tlsConfiguration().getSSLOptions();
        if (!TlsConfig.DEFAULT_NAME.equals(update.name()) || options.equals(applied)) {
            return;
        }
        applied = options;
        Set<Integer> ports = new HashSet<>();
        for (HttpServer server : proxyServers.stream().filter(server -> ports.add(server.actualPort())).toList()) {
            // The instances of a listener share one server: one update is enough, and one swap the fewest resets.
            server.updateSSLOptions(options).onComplete(done -> {
                if (done.failed()) {
                    LOG.warnf("A proxy listener kept its previous certificate: %s", done.cause().getMessage());
                }
            });
        }
        LOG.info("Renewed key store handed to the proxy listeners");
    }

    /** The management listener's HTTPS server: client certificates as {@code gateway.management.client-auth} says. */
    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        if (managementClientAuth == ClientAuth.NONE) {
            return;
        }
        if (options.getKeyCertOptions() == null || options.getTrustOptions() == null) {
            throw new IllegalStateException("gateway.management.client-auth=" + managementClientAuth.name().toLowerCase()
                    + " needs a key store and a trust store in the default TLS configuration (quarkus.tls.key-store.*,"
                    + " quarkus.tls.trust-store.*): the trust store holds the CAs of the operators' certificates");
        }
        options.setClientAuth(managementClientAuth);
    }
}
