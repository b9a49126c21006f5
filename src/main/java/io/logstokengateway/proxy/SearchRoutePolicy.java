package io.logstokengateway.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.limits.BoundedWorkers;
import io.logstokengateway.limits.LimitExceeded;
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

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

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
    /** A path and query longer than this (up to {@code limits.max-request-line}) is decided off the event loop. */
    private static final int INLINE_DECISION_CHARS = 2048;
    private static final Logger LOG = Logger.getLogger(SearchRoutePolicy.class);

    private record Key(String method, String path, String query, String service, ServiceScope scope, long catalog) {
    }

    private final boolean enforceScope;
    private final IndexCatalogSource catalogs;
    private final SearchContexts contexts;
    private final ScopeLimits limits;
    private final BoundedWorkers checks;
    private final Cache<Key, Decision> decisions = Caffeine.newBuilder().maximumSize(CACHED_DECISIONS).build();
    /** Requests that will change indices or aliases, until answered; weak, so one that never is does not stay. */
    private final Set<HttpServerRequest> changingIndices = Collections.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

    SearchRoutePolicy(boolean enforceScope, IndexCatalogSource catalogs, SearchContexts contexts, ScopeLimits limits,
                      BoundedWorkers checks) {
        this.enforceScope = enforceScope;
        this.catalogs = catalogs;
        this.contexts = contexts;
        this.limits = limits;
        this.checks = checks;
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
        Target target = new Target(request);
        Optional<IndexCatalog> catalog = catalogs.current();
        if (catalog.isEmpty()) {
            return routeAgain(target, caller, arrivedNanos);
        }
        boolean catalogIsCurrent = catalog.get().fetchedSince(arrivedNanos);
        return decide(target, caller, catalog.get(), catalogIsCurrent).compose(decision -> decision instanceof Decision.ReadCatalogAgain
                ? routeAgain(target, caller, arrivedNanos) : Future.succeededFuture(decision));
    }

    @Override
    public Future<Decision> routeAgain(HttpServerRequest request, Caller caller, long arrivedNanos) {
        return routeAgain(new Target(request), caller, arrivedNanos);
    }

    private Future<Decision> routeAgain(Target target, Caller caller, long arrivedNanos) {
        return catalogs.readAfter(arrivedNanos).compose(catalog -> decide(target, caller, catalog, true)).map(decision -> {
            if (decision instanceof Decision.ReadCatalogAgain) {
                throw new IllegalStateException("a catalog read after the request still cannot decide it");
            }
            return decision;
        });
    }

    @Override
    public void answered(HttpServerRequest request) {
        if (!changingIndices.isEmpty() && changingIndices.remove(request)) {
            catalogs.changed();
        }
    }

    @Override
    public Future<IndexCatalog> currentCatalog(long arrivedNanos) {
        return catalogs.readAfter(arrivedNanos);
    }

    /** What a decision reads of the request, taken on its event loop: the raw path and query, decoded by the rules. */
    private record Target(HttpServerRequest request, String method, String path, String query) {
        Target(HttpServerRequest request) {
            this(request, request.method().name(), request.path(), request.query());
        }

        int length() {
            return path.length() + (query == null ? 0 : query.length());
        }
    }

    /** Decides on the event loop, or, for a long path and query, on the pool for large checks. */
    private Future<Decision> decide(Target target, Caller caller, IndexCatalog catalog, boolean catalogIsCurrent) {
        if (target.length() <= INLINE_DECISION_CHARS) {
            return Future.future(decided -> decided.complete(decideSafely(target, caller, catalog, catalogIsCurrent)));
        }
        return checks.submit(() -> decideSafely(target, caller, catalog, catalogIsCurrent));
    }

    /**
     * Only decisions taken on a catalog read before the request are remembered: one read after it lets names it does
     * not know pass as new, which holds for this request only.
     */
    private Decision decideSafely(Target target, Caller caller, IndexCatalog catalog, boolean catalogIsCurrent) {
        try {
            return decideOrThrow(target, caller, catalog, catalogIsCurrent);
        } catch (LimitExceeded reached) {
            throw reached; // answered as the limit says
        } catch (RuntimeException e) {
            // A defect in the rules must not leave the client hanging, nor let the request through.
            LOG.warnf(e, "Route decision failed for %s %s", target.method(), target.path());
            return new Decision.Deny("the request could not be checked");
        }
    }

    private Decision decideOrThrow(Target target, Caller caller, IndexCatalog catalog, boolean catalogIsCurrent) {
        ScopeContext context = new ScopeContext(caller.serviceName(), caller.scope(), catalog, catalogIsCurrent, contexts, limits,
                () -> changingIndices.add(target.request()));
        boolean cacheable = !catalogIsCurrent && target.length() <= MAX_CACHED_KEY_CHARS;
        if (!cacheable) {
            return ScopeRules.decide(target.method(), target.path(), target.query(), context).decision();
        }
        Key key = new Key(target.method(), target.path(), target.query(), caller.serviceName(), caller.scope(), catalog.generation());
        Decision known = decisions.getIfPresent(key);
        if (known != null) {
            return known;
        }
        ScopeRules.Ruling ruling = ScopeRules.decide(target.method(), target.path(), target.query(), context);
        if (ruling.reusable() && !(ruling.decision() instanceof Decision.ReadCatalogAgain)) {
            decisions.put(key, ruling.decision());
        }
        return ruling.decision();
    }
}
