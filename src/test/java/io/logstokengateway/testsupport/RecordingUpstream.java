package io.logstokengateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real search upstream (the shared OpenSearch) seen through a recorder: every request is recorded exactly as it
 * arrived (method, raw path and query, headers, body), then passed on unchanged, and the upstream's answer relayed
 * unchanged. Tests assert on what the gateway sent while the answers stay those of a real OpenSearch.
 */
public final class RecordingUpstream implements AutoCloseable {

    /** A request as it arrived. */
    public record Recorded(String method, String rawPathAndQuery, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The gateway's own reads of the cluster's indices, as opposed to requests it forwarded for a client. */
        public boolean isCatalogRead() {
            return rawPathAndQuery.startsWith("/_cluster/state/");
        }
    }

    private static RecordingUpstream ofOpenSearch;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();

    private RecordingUpstream(URI target) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(target.getHost())
                .setDefaultPort(target.getPort()).setMaxInitialLineLength(64 * 1024));
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            requests.add(new Recorded(request.method().name(), request.uri(), headers(request), body.getBytes()));
            relay(client, request, body);
        }));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** One recorder in front of the shared OpenSearch for the whole test JVM (test profiles and tests see the same). */
    public static synchronized RecordingUpstream ofOpenSearch() {
        if (ofOpenSearch == null) {
            ofOpenSearch = in(OpenSearchServer.get().uri());
            RecordingUpstream started = ofOpenSearch;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "recording-upstream-stop"));
        }
        return ofOpenSearch;
    }

    /** A recorder in front of {@code target}, on 127.0.0.1 and an ephemeral port. */
    public static RecordingUpstream in(URI target) {
        try {
            return new RecordingUpstream(target);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the recording upstream", e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    /** Every request that arrived, the gateway's own catalog reads included. */
    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** The requests forwarded for clients, in order. */
    public List<Recorded> forwarded() {
        return requests.stream().filter(recorded -> !recorded.isCatalogRead()).toList();
    }

    public Recorded lastForwarded() {
        List<Recorded> forwarded = forwarded();
        return forwarded.isEmpty() ? null : forwarded.get(forwarded.size() - 1);
    }

    public void clear() {
        requests.clear();
    }

    @Override
    public void close() {
        vertx.close();
    }

    private static Map<String, List<String>> headers(HttpServerRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach(header -> headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT),
                name -> new ArrayList<>()).add(header.getValue()));
        return headers;
    }

    private static void relay(HttpClient client, HttpServerRequest request, Buffer body) {
        client.request(new RequestOptions().setMethod(request.method()).setURI(request.uri()))
                .compose(upstream -> {
                    request.headers().forEach(header -> {
                        if (!header.getKey().equalsIgnoreCase("host") && !header.getKey().equalsIgnoreCase("connection")) {
                            upstream.headers().add(header.getKey(), header.getValue());
                        }
                    });
                    return upstream.send(body);
                })
                .compose(answer -> answer.body().map(answerBody -> {
                    request.response().setStatusCode(answer.statusCode());
                    answer.headers().forEach(header -> {
                        if (!header.getKey().equalsIgnoreCase("connection") && !header.getKey().equalsIgnoreCase("transfer-encoding")) {
                            request.response().headers().add(header.getKey(), header.getValue());
                        }
                    });
                    request.response().headers().remove("content-length");
                    request.response().end(answerBody);
                    return answerBody;
                }))
                .onFailure(failure -> request.response().setStatusCode(502).end(String.valueOf(failure.getMessage())));
    }
}
