package io.logstokengateway.proxy;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.crypto.SearchContextSeal;
import io.logstokengateway.identity.UpstreamIdentity;
import io.logstokengateway.limits.BodyBudget;
import io.logstokengateway.limits.BoundedWorkers;
import io.logstokengateway.limits.CallerConcurrency;
import io.logstokengateway.limits.LimitRefusals;
import io.logstokengateway.scope.ScopeLimits;
import io.logstokengateway.scope.SearchContexts;
import io.logstokengateway.tls.ListenerTls;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The search API and Graylog API listeners, one server instance per event loop on the Quarkus-managed Vert.x. */
@ApplicationScoped
public class ProxyListeners {

    private static final Logger LOG = Logger.getLogger(ProxyListeners.class);

    private final Vertx vertx;
    private final GatewayConfig config;
    private final SearchContextSeal seal;
    private final ProxyServices services;
    private final ListenerTls tls;
    private IndexCatalogSource catalogs;
    /** The balancers whose PROXY header is read, or null when the listeners take none. */
    private final ProxyProtocolSources proxySources;
    private final List<String> deployments = new ArrayList<>();
    private final List<ConnectionGuard> guards = new ArrayList<>();
    private final Map<String, UpstreamClient> clients = new LinkedHashMap<>();
    private int searchPort;
    private int graylogPort;

    public ProxyListeners(Vertx vertx, GatewayConfig config, Authenticator authenticator, ProxyMetrics metrics,
                          AccessLog accessLog, AuditLog audit, SearchContextSeal seal, LimitRefusals limitRefusals,
                          BodyBudget bodies, CallerConcurrency callers, ListenerTls tls) {
        GatewayConfig.Limits limits = config.limits();
        BoundedWorkers checks = new BoundedWorkers(vertx, "gateway-body-checks", limits.bodyChecks(), limits.bodyCheckQueue(),
                "body-check-queue", 503);
        // The beans every request calls, taken out of their CDI client proxies: looked up once here, not on each call.
        Authenticator authentication = ClientProxy.unwrap(authenticator);
        this.services = new ProxyServices(authentication::authenticate, ClientProxy.unwrap(metrics), ClientProxy.unwrap(accessLog),
                ClientProxy.unwrap(audit), vertx, ClientProxy.unwrap(limitRefusals), ClientProxy.unwrap(bodies),
                ClientProxy.unwrap(callers), checks, limits);
        this.seal = ClientProxy.unwrap(seal);
        this.vertx = vertx;
        this.config = config;
        this.tls = tls;
        this.proxySources = config.proxyProtocol().trustedSources().map(ProxyProtocolSources::parse).orElse(null);
    }

    /** Actual port of the search API listener (useful when configured as 0). */
    public int searchPort() {
        return searchPort;
    }

    /** Actual port of the Graylog API listener (useful when configured as 0). */
    public int graylogPort() {
        return graylogPort;
    }

    /**
     * Reads the search upstream's indices and aliases now, instead of at the next {@code catalog-refresh}: what was
     * created or changed directly on the cluster is then what wildcards reach.
     */
    public CompletionStage<Void> readIndexCatalog() {
        return catalogs.readAfter(System.nanoTime()).<Void>mapEmpty().toCompletionStage();
    }

    /** Listener name to its upstream client, for readiness. */
    Map<String, UpstreamClient> upstreams() {
        return clients;
    }

    void start(@Observes @Priority(100) StartupEvent startup) throws Exception {
        GatewayConfig.SearchListener search = config.elasticsearch();
        UpstreamClient searchUpstream = new UpstreamClient(vertx, search);
        clients.put("elasticsearch", searchUpstream);
        UpstreamIdentity searchIdentity = UpstreamIdentity.forElasticsearch(search);
        GatewayConfig.Scope scope = search.scope();
        catalogs = new IndexCatalogSource(vertx, searchUpstream, searchIdentity.gatewayAuthorization(), scope.catalogRefresh());
        if (scope.enforce()) {
            catalogs.start();
        }
        SearchContexts contexts = new SearchContexts(seal, scope.searchContextLifetime(), Clock.systemUTC());
        GatewayConfig.Limits requestLimits = config.limits();
        ScopeLimits limits = new ScopeLimits(scope.maxShardsPerIndex(), scope.maxReplicas(), scope.maxIndicesPerService(),
                requestLimits.maxIndexNames(), requestLimits.maxQueryParameters(), requestLimits.maxBodyLines());
        searchPort = deploy(search.host(), search.port() == 0 ? -1 : search.port(), new ListenerSpec("elasticsearch",
                ErrorDialect.ELASTICSEARCH, new SearchRoutePolicy(scope.enforce(), catalogs, contexts, limits, services.checks()), searchIdentity,
                searchUpstream, scope.maxBodySize().asLongValue(), guard("elasticsearch")));

        GatewayConfig.GraylogListener graylog = config.graylog();
        UpstreamClient graylogUpstream = new UpstreamClient(vertx, graylog);
        clients.put("graylog", graylogUpstream);
        graylogPort = deploy(graylog.host(), graylog.port() == 0 ? -2 : graylog.port(), new ListenerSpec("graylog",
                ErrorDialect.GRAYLOG, new GraylogRoutePolicy(graylog.webUiUrl()), UpstreamIdentity.forGraylog(graylog),
                graylogUpstream, 0, guard("graylog")));
        LOG.infof("Search API listening on %s:%d -> %s; Graylog API on %s:%d -> %s (%s, %s transport%s)", search.host(), searchPort,
                search.upstream(), graylog.host(), graylogPort, graylog.upstream(), tls.enabled() ? "HTTPS" : "plain HTTP",
                vertx.isNativeTransportEnabled() ? "native" : "NIO",
                proxySources == null ? "" : ", PROXY protocol from " + proxySources);
    }

    /**
     * After {@code quarkus.shutdown.delay} (readiness already down), before anything else stops: no new connection is
     * served, and the requests under way, streams included, get up to {@code shutdown.drain-timeout} to finish.
     */
    void stop(@Observes @Priority(10) ShutdownEvent shutdown) throws InterruptedException {
        guards.forEach(ConnectionGuard::drain);
        long deadline = System.nanoTime() + config.shutdown().drainTimeout().toNanos();
        int open = openConnections();
        if (open > 0) {
            LOG.infof("Draining %d proxy connection(s), for at most %s", open, config.shutdown().drainTimeout());
        }
        while ((open = openConnections()) > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
        if (open > 0) {
            LOG.warnf("Closing %d proxy connection(s) still busy after the drain timeout", open);
        }
        if (catalogs != null) {
            catalogs.stop();
        }
        deployments.forEach(id -> vertx.undeploy(id));
        guards.forEach(ConnectionGuard::close);
        clients.values().forEach(UpstreamClient::close);
    }

    private int openConnections() {
        return guards.stream().mapToInt(ConnectionGuard::open).sum();
    }

    private ConnectionGuard guard(String listener) {
        GatewayConfig.Limits limits = config.limits();
        ConnectionGuard guard = new ConnectionGuard(vertx, listener, services.limitRefusals(), proxySources, limits.connections(),
                limits.connectionsPerAddress(), limits.headerTimeout().toMillis(), limits.idleTimeout().toMillis());
        guards.add(guard);
        return guard;
    }

    /**
     * One server instance per event loop, sharing the port. Port 0 becomes a negative port: Vert.x then binds one
     * random port shared by the instances that use the same negative number.
     */
    private int deploy(String host, int port, ListenerSpec spec) throws InterruptedException, ExecutionException, TimeoutException {
        int instances = Runtime.getRuntime().availableProcessors();
        GatewayConfig.Limits limits = config.limits();
        HttpServerOptions options = tls.secure(new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setHandle100ContinueAutomatically(false) // answered only once the caller is authenticated
                // No cleartext HTTP/2: sniffing for it would keep a silent connection unseen by the guard (over TLS, ALPN
                // negotiates h2 within the handshake)
                .setHttp2ClearTextEnabled(false)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setMaxInitialLineLength((int) limits.maxRequestLine().asLongValue())
                .setMaxHeaderSize((int) limits.maxHeaderSize().asLongValue())
                // HTTP/2 (over TLS) has no request line: its pseudo-headers and headers share one bound, the two above
                .setInitialSettings(new Http2Settings()
                        .setMaxConcurrentStreams(HttpServerOptions.DEFAULT_INITIAL_SETTINGS_MAX_CONCURRENT_STREAMS)
                        .setMaxHeaderListSize((int) (limits.maxRequestLine().asLongValue() + limits.maxHeaderSize().asLongValue())))
                .setMaxChunkSize(ReadBuffers.MAX_READ_BYTES) // relay what one read brought as one piece
                .setIdleTimeout((int) limits.idleTimeout().toSeconds())
                // Read before TLS and HTTP; the guard then checks who sent it. A header that does not arrive within the
                // time given for a request head closes the connection.
                .setUseProxyProtocol(proxySources != null)
                .setProxyProtocolTimeout(limits.headerTimeout().toMillis())
                .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS));
        Handler<HttpServerRequest> handler = new ProxyHandler(spec, services);
        String name = spec.name();
        int[] bound = new int[1];
        String id = vertx.deployVerticle(() -> new AbstractVerticle() {
                    @Override
                    public void start(Promise<Void> started) {
                        HttpServer server = vertx.createHttpServer(options)
                                .connectionHandler(connection -> {
                                    ReadBuffers.enlarge(connection);
                                    spec.connections().accepted(connection);
                                })
                                .requestHandler(handler);
                        tls.register(server);
                        server.listen().onSuccess(s -> bound[0] = s.actualPort()).<Void>mapEmpty().onComplete(started);
                    }
                }, new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        deployments.add(id);
        LOG.debugf("%s listener: %d instance(s) on port %d", name, instances, bound[0]);
        return bound[0];
    }
}
