package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.logstokengateway.scope.Decision;
import io.vertx.core.http.HttpServerRequest;

/** The search API: every path is the API, forwarded as received. */
final class SearchRoutePolicy implements RoutePolicy {

    @Override
    public Refusal beforeAuthentication(HttpServerRequest request) {
        return null;
    }

    @Override
    public Decision route(HttpServerRequest request, Caller caller) {
        return new Decision.Forward(request.uri());
    }
}
