package io.logstokengateway.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.ScopeRules;
import io.logstokengateway.scope.ServiceScope;
import io.vertx.core.http.HttpServerRequest;

/** The search API: every path is the API; each service is confined to its own indices unless scoping is off. */
final class SearchRoutePolicy implements RoutePolicy {

    /**
     * {@link ScopeRules#decide} is pure and its decisions are immutable, so the decisions for recent requests are
     * remembered: a client repeats the same few paths. Bounded in entries and in key length.
     */
    private static final int CACHED_DECISIONS = 10_000;
    private static final int MAX_CACHED_KEY_CHARS = 512;

    private record Key(String method, String path, String query, ServiceScope scope) {
    }

    private final boolean enforceScope;
    private final Cache<Key, Decision> decisions = Caffeine.newBuilder().maximumSize(CACHED_DECISIONS).build();

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
        String method = request.method().name();
        String path = request.path();
        String query = request.query();
        ServiceScope scope = caller.scope();
        if (path.length() + (query == null ? 0 : query.length()) > MAX_CACHED_KEY_CHARS) {
            return ScopeRules.decide(method, path, query, scope);
        }
        // A decision that throws is not remembered (the caller refuses the request).
        return decisions.get(new Key(method, path, query, scope), key -> ScopeRules.decide(method, path, query, scope));
    }
}
