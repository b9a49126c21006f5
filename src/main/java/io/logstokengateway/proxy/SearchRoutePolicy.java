package io.logstokengateway.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.IndexCatalog;
import io.logstokengateway.scope.ScopeContext;
import io.logstokengateway.scope.ScopeLimits;
import io.logstokengateway.scope.ScopeRules;
import io.logstokengateway.scope.SearchContexts;
import io.logstokengateway.scope.ServiceScope;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * The search API: every path is the API; each service is confined to the concrete indices its patterns cover,
 * resolved against the upstream's {@link IndexCatalog}, unless scoping is off.
 */
final class SearchRoutePolicy implements RoutePolicy {

    /**
     * {@link ScopeRules#decide} is pure and its decisions are immutable, so the decisions for recent requests are
     * remembered per catalog generation: a client repeats the same few paths. Bounded in entries and in key length.
     */
    private static final int CACHED_DECISIONS = 10_000;
    private static final int MAX_CACHED_KEY_CHARS = 512;
    private static final Logger LOG = Logger.getLogger(SearchRoutePolicy.class);

    private record Key(String method, String path, String query, String service, ServiceScope scope, long catalog) {
    }

    private final boolean enforceScope;
    private final IndexCatalogSource catalogs;
    private final SearchContexts contexts;
    private final ScopeLimits limits;
    private final Cache<Key, Decision> decisions = Caffeine.newBuilder().maximumSize(CACHED_DECISIONS).build();

    SearchRoutePolicy(boolean enforceScope, IndexCatalogSource catalogs, SearchContexts contexts, ScopeLimits limits) {
        this.enforceScope = enforceScope;
        this.catalogs = catalogs;
        this.contexts = contexts;
        this.limits = limits;
    }

    @Override
    public Refusal beforeAuthentication(HttpServerRequest request) {
        return null;
    }

    @Override
    public Future<Decision> route(HttpServerRequest request, Caller caller, long arrivedNanos) {
        if (!enforceScope) {
            return Future.succeededFuture(new Decision.Forward(request.uri()));
        }
        Optional<IndexCatalog> catalog = catalogs.current();
        if (catalog.isPresent()) {
            Decision decision = decide(request, caller, catalog.get(), catalog.get().fetchedSince(arrivedNanos));
            if (!(decision instanceof Decision.ReadCatalogAgain)) {
                return Future.succeededFuture(decision);
            }
        }
        return routeAgain(request, caller, arrivedNanos);
    }

    @Override
    public Future<Decision> routeAgain(HttpServerRequest request, Caller caller, long arrivedNanos) {
        return catalogs.readAfter(arrivedNanos).map(catalog -> {
            Decision decision = decide(request, caller, catalog, true);
            if (decision instanceof Decision.ReadCatalogAgain) {
                throw new IllegalStateException("a catalog read after the request still cannot decide it");
            }
            return decision;
        });
    }

    /**
     * Raw path and query: the rules decode each part exactly as Elasticsearch will. Only decisions taken on a catalog
     * read before the request are remembered: one read after it lets names it does not know pass as new, which holds
     * for this request only.
     */
    private Decision decide(HttpServerRequest request, Caller caller, IndexCatalog catalog, boolean catalogIsCurrent) {
        try {
            return decideOrThrow(request, caller, catalog, catalogIsCurrent);
        } catch (RuntimeException e) {
            // A defect in the rules must not leave the client hanging, nor let the request through.
            LOG.warnf(e, "Route decision failed for %s %s", request.method(), request.path());
            return new Decision.Deny("the request could not be checked");
        }
    }

    private Decision decideOrThrow(HttpServerRequest request, Caller caller, IndexCatalog catalog, boolean catalogIsCurrent) {
        String method = request.method().name();
        String path = request.path();
        String query = request.query();
        ScopeContext context = new ScopeContext(caller.serviceName(), caller.scope(), catalog, catalogIsCurrent, contexts, limits);
        boolean cacheable = !catalogIsCurrent && path.length() + (query == null ? 0 : query.length()) <= MAX_CACHED_KEY_CHARS;
        if (!cacheable) {
            return ScopeRules.decide(method, path, query, context).decision();
        }
        Key key = new Key(method, path, query, caller.serviceName(), caller.scope(), catalog.generation());
        Decision known = decisions.getIfPresent(key);
        if (known != null) {
            return known;
        }
        ScopeRules.Ruling ruling = ScopeRules.decide(method, path, query, context);
        if (ruling.reusable() && !(ruling.decision() instanceof Decision.ReadCatalogAgain)) {
            decisions.put(key, ruling.decision());
        }
        return ruling.decision();
    }
}
