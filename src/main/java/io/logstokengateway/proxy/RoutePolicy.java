package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.IndexCatalog;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/** What a listener lets through, and where it sends it. */
interface RoutePolicy {

    /** A refusal that needs no authentication (e.g. the Graylog web UI), or {@code null}. */
    Refusal beforeAuthentication(HttpServerRequest request);

    /**
     * For this caller: where the request goes (its body checked first, or not), or why it is refused. May need to
     * look at the upstream first (the search listener's index catalog), hence a future.
     *
     * @param arrivedNanos when the request arrived ({@link System#nanoTime()})
     */
    Future<Decision> route(HttpServerRequest request, Caller caller, long arrivedNanos);

    /**
     * As {@link #route}, decided on what the upstream holds now: for a body check that met a name the decision's
     * view of the upstream did not know.
     */
    Future<Decision> routeAgain(HttpServerRequest request, Caller caller, long arrivedNanos);

    /** What the upstream holds, read after the request arrived: for a body streamed line by line that met a new name. */
    default Future<IndexCatalog> currentCatalog(long arrivedNanos) {
        return Future.failedFuture(new IllegalStateException("this listener resolves no indices"));
    }

    /**
     * The upstream has answered this request (its headers arrived): what it changed, it has applied. Once a request
     * that creates, deletes or re-points indices is answered, the search listener decides later requests on a catalog
     * read after that.
     */
    default void answered(HttpServerRequest request) {
    }

    /** A refusal in place of an upstream answer with these headers (none of its body sent yet), or {@code null}. */
    default Refusal refuseAnswer(MultiMap upstreamHeaders) {
        return null;
    }
}
