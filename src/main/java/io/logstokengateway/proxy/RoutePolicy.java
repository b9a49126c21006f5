package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.logstokengateway.scope.Decision;
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

    /** A refusal in place of an upstream answer with these headers (none of its body sent yet), or {@code null}. */
    default Refusal refuseAnswer(MultiMap upstreamHeaders) {
        return null;
    }
}
