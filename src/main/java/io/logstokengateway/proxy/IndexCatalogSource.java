package io.logstokengateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.eventloop.EventLoops;
import io.logstokengateway.scope.IndexCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Keeps the search upstream's {@link IndexCatalog}: reads the cluster state's indices and aliases every
 * {@code catalog-refresh} (only when the cluster state changed), and on demand, when a request names something the
 * catalog it was decided on does not know. On-demand reads are shared: one in flight, and at most one more queued
 * for the requests that arrived after the one in flight started.
 */
final class IndexCatalogSource {

    private static final Logger LOG = Logger.getLogger(IndexCatalogSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATE_VERSION = "/_cluster/state/version";
    private static final String STATE = "/_cluster/state/version,metadata?filter_path=state_uuid,"
            + "metadata.indices.*.state,metadata.indices.*.aliases,metadata.indices.*.settings.index.hidden";
    /** A catalog this much older than the refresh period is not trusted: requests read a new one first. */
    private static final int STALE_AFTER_PERIODS = 5;
    private static final long MAX_STATE_BYTES = 256L * 1024 * 1024;
    /** Longest wait on a silent upstream for one read, whatever the listener's idle timeout. */
    private static final long MAX_READ_MILLIS = 10_000;

    private final Vertx vertx;
    private final UpstreamClient upstream;
    private final Optional<String> authorization;
    private final long refreshNanos;
    private volatile IndexCatalog current = IndexCatalog.EMPTY;
    private volatile String currentStateUuid = "";
    /** When a request through the gateway last changed indices or aliases: catalogs read before then are out of date. */
    private volatile long changedAt = System.nanoTime();
    /** The upstream URL that answered last: asked first next time. */
    private volatile int preferred;
    /** Guarded by {@code this}: the read in flight, when it started, and the one queued after it. */
    private Future<IndexCatalog> inFlight;
    private long inFlightStartedAt;
    private Promise<IndexCatalog> queued;
    private long timerId = -1;

    IndexCatalogSource(Vertx vertx, UpstreamClient upstream, Optional<String> authorization, Duration refresh) {
        this.vertx = vertx;
        this.upstream = upstream;
        this.authorization = authorization;
        this.refreshNanos = refresh.toNanos();
    }

    void start() {
        timerId = vertx.setPeriodic(Math.max(1, refreshNanos / 1_000_000), id -> refreshIfChanged());
    }

    void stop() {
        vertx.cancelTimer(timerId);
    }

    /**
     * The catalog to decide on now; empty when it is too old to be trusted or predates a change made through the
     * gateway (read one with {@link #readAfter}).
     */
    Optional<IndexCatalog> current() {
        IndexCatalog catalog = current;
        boolean fresh = catalog.generation() > 0 && catalog.fetchedSince(changedAt)
                && System.nanoTime() - catalog.fetchedAtNanos() < STALE_AFTER_PERIODS * refreshNanos;
        return fresh ? Optional.of(catalog) : Optional.empty();
    }

    /**
     * A request through the gateway created, deleted or re-pointed indices or aliases, and the upstream answered it:
     * its client's next request must see that, so requests decide on a catalog read from now on. Reads are shared,
     * so many such changes cost one read in flight.
     */
    void changed() {
        changedAt = System.nanoTime();
    }

    /** A catalog read from the upstream after {@code nanos} ({@link System#nanoTime()}), on the caller's context. */
    Future<IndexCatalog> readAfter(long nanos) {
        return EventLoops.onThisContext(sharedReadAfter(nanos));
    }

    private synchronized Future<IndexCatalog> sharedReadAfter(long nanos) {
        if (current.fetchedSince(nanos)) {
            return Future.succeededFuture(current);
        }
        if (inFlight == null) {
            return startRead();
        }
        if (inFlightStartedAt - nanos >= 0) {
            return inFlight;
        }
        if (queued == null) {
            queued = Promise.promise();
        }
        return queued.future();
    }

    private synchronized Future<IndexCatalog> startRead() {
        inFlightStartedAt = System.nanoTime();
        Future<IndexCatalog> read = read(inFlightStartedAt);
        inFlight = read;
        read.onComplete(done -> readDone());
        return read;
    }

    private synchronized void readDone() {
        inFlight = null;
        if (queued != null) {
            Promise<IndexCatalog> next = queued;
            queued = null;
            startRead().onComplete(next);
        }
    }

    /** The periodic refresh: a cheap look at the cluster state's identity, and a full read only when it changed. */
    private void refreshIfChanged() {
        long askedAt = System.nanoTime();
        get(STATE_VERSION)
                .compose(body -> {
                    String stateUuid = parse(body).path("state_uuid").asText();
                    if (stateUuid.equals(currentStateUuid) && current.generation() > 0) {
                        // unchanged since it was read: as good as read now
                        current = new IndexCatalog(current.entries(), current.generation(), askedAt);
                        return Future.succeededFuture();
                    }
                    return sharedReadAfter(System.nanoTime()).mapEmpty();
                })
                .onFailure(failure -> LOG.debugf("Cannot read the search upstream's indices: %s", failure.getMessage()));
    }

    private Future<IndexCatalog> read(long startedAt) {
        return get(STATE)
                .compose(body -> vertx.executeBlocking(() -> toCatalog(parse(body), startedAt), false))
                .onSuccess(catalog -> current = catalog)
                .onFailure(failure -> LOG.warnf("Cannot read the search upstream's indices: %s", failure.getMessage()));
    }

    private synchronized IndexCatalog toCatalog(JsonNode state, long startedAt) {
        IndexCatalog read = IndexCatalog.fromClusterState(state, current.generation() + 1, startedAt);
        currentStateUuid = state.path("state_uuid").asText();
        // a catalog like the last one keeps its generation, so decisions remembered for it still hold
        return read.entries().equals(current.entries())
                ? new IndexCatalog(current.entries(), current.generation(), startedAt) : read;
    }

    /**
     * GET from the upstream URL that answered last, and when it fails or stays silent, from each other one in turn:
     * a node that is down must not keep the catalog from being read.
     */
    private Future<Buffer> get(String uri) {
        return get(uri, preferred, upstream.size());
    }

    private Future<Buffer> get(String uri, int origin, int attemptsLeft) {
        long timeout = Math.min(upstream.idleTimeoutMillis(), MAX_READ_MILLIS);
        Future<Buffer> attempt = upstream.openAt(origin, HttpMethod.GET, uri, timeout).compose(request -> {
            authorization.ifPresent(value -> request.putHeader(HttpHeaders.AUTHORIZATION, value));
            request.putHeader(HttpHeaders.ACCEPT, "application/json");
            return request.send();
        }).compose(IndexCatalogSource::boundedBody).onSuccess(body -> preferred = origin);
        int next = (origin + 1) % upstream.size();
        return attemptsLeft <= 1 ? attempt : attempt.recover(failure -> get(uri, next, attemptsLeft - 1));
    }

    private static Future<Buffer> boundedBody(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            return response.body().transform(ignored -> Future.failedFuture(
                    "the upstream answered " + response.statusCode() + " to a cluster state request"));
        }
        Promise<Buffer> body = Promise.promise();
        Buffer collected = Buffer.buffer();
        response.handler(chunk -> {
            if (collected.length() + chunk.length() > MAX_STATE_BYTES) {
                response.handler(null);
                body.tryFail("the cluster state exceeds " + MAX_STATE_BYTES + " bytes");
                response.request().reset();
                return;
            }
            collected.appendBuffer(chunk);
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(v -> body.tryComplete(collected));
        return body.future();
    }

    private static JsonNode parse(Buffer body) {
        try {
            return JSON.readTree(body.getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("the cluster state is not JSON", e);
        }
    }
}
