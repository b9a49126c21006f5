package io.logstokengateway.proxy;

import io.logstokengateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One keep-alive connection pool per upstream URL, taken in turn; a URL that refuses the connection is skipped
 * for the next one (the request body has not been sent yet, so nothing is lost).
 */
final class UpstreamClient {

    record Origin(String host, int port, boolean ssl, String basePath, String label) {
        static Origin of(URI uri) {
            boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
            int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
            String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath().replaceAll("/+$", "");
            return new Origin(uri.getHost(), port, ssl, path, uri.getScheme() + "://" + uri.getHost() + ":" + port + path);
        }
    }

    private static final long PROBE_TIMEOUT_MILLIS = 3000;

    private final HttpClient client;
    private final List<Origin> origins;
    private final long idleTimeoutMillis;
    private final AtomicInteger next = new AtomicInteger();

    UpstreamClient(Vertx vertx, GatewayConfig.Listener config) {
        this.origins = config.upstream().stream().map(Origin::of).toList();
        this.idleTimeoutMillis = config.idleTimeout().toMillis();
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setDecompressionSupported(false) // bodies pass through as the upstream encoded them
                .setMaxInitialLineLength(65536)
                .setMaxHeaderSize(65536)
                .setMaxChunkSize(ReadBuffers.MAX_READ_BYTES) // relay what one read brought as one piece
                .setVerifyHost(config.tls().verifyHostname());
        config.tls().trustCertificates().ifPresent(pem -> options.setTrustOptions(new PemTrustOptions().addCertPath(pem.toString())));
        this.client = vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp1MaxSize(config.maxConnections()))
                .withConnectHandler(ReadBuffers::enlarge).build();
    }

    /** A request to the first upstream, from the next in turn, that accepts a connection. */
    Future<HttpClientRequest> open(HttpMethod method, String uri) {
        int first = Math.floorMod(next.getAndIncrement(), origins.size());
        return attempt(method, uri, first, 0);
    }


    private Future<HttpClientRequest> attempt(HttpMethod method, String uri, int first, int tried) {
        return openAt((first + tried) % origins.size(), method, uri, idleTimeoutMillis).recover(failure -> tried + 1 < origins.size()
                ? attempt(method, uri, first, tried + 1)
                : Future.failedFuture(failure));
    }

    /** A request to the upstream URL at {@code index}, failing when it stays silent for {@code idleTimeoutMillis}. */
    Future<HttpClientRequest> openAt(int index, HttpMethod method, String uri, long idleTimeoutMillis) {
        Origin origin = origins.get(index);
        return client.request(new RequestOptions()
                .setMethod(method)
                .setHost(origin.host())
                .setPort(origin.port())
                .setSsl(origin.ssl())
                .setURI(origin.basePath() + uri)
                .setIdleTimeout(idleTimeoutMillis));
    }

    /** How long a request may wait on a silent upstream. */
    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** How many upstream URLs there are, each tried in turn. */
    int size() {
        return origins.size();
    }

    /** For readiness: each upstream URL and whether it answers HTTP at all (any status counts). */
    Future<Map<String, Boolean>> probe() {
        Map<String, Boolean> reachable = new ConcurrentHashMap<>();
        List<Future<Void>> probes = origins.stream().map(origin -> client.request(new RequestOptions()
                        .setHost(origin.host()).setPort(origin.port()).setSsl(origin.ssl())
                        .setMethod(HttpMethod.HEAD).setURI(origin.basePath() + "/").setTimeout(PROBE_TIMEOUT_MILLIS))
                .compose(request -> request.send())
                .map(response -> true)
                .otherwise(false)
                .map(up -> {
                    reachable.put(origin.label(), up);
                    return (Void) null;
                })).toList();
        return Future.join(probes).map(all -> reachable);
    }

    Future<Void> close() {
        return client.close();
    }
}
