package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.ScopeRules;
import io.vertx.core.http.HttpServerRequest;

/** The search API: every path is the API; each service is confined to its own indices unless scoping is off. */
final class SearchRoutePolicy implements RoutePolicy {

    private final boolean enforceScope;

    SearchRoutePolicy(boolean enforceScope) {
        this.enforceScope = enforceScope;
    }

    @Override
    public Refusal beforeAuthentication(HttpServerRequest request) {
        return null;
    }

    @Override
    public Decision route(HttpServerRequest request, Caller caller) {
        if (!enforceScope) {
            return new Decision.Forward(request.uri());
        }
        // Raw path and query: the rules decode each part exactly as Elasticsearch will.
        return ScopeRules.decide(request.method().name(), request.path(), request.query(), caller.scope());
    }
}
