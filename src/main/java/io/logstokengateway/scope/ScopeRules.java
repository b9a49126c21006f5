package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.IndexPart.OPTIONAL;
import static io.logstokengateway.scope.Route.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Index scoping of the search API: classifies a request as an allowlisted cluster read, a read (narrowed to the
 * service's read patterns), a write (within its write patterns) or a refusal. Deny by default: a method, path or
 * query parameter that no route below knows is refused. Pure: no I/O, no state, safe to call from any thread.
 */
public final class ScopeRules {

    private static final String TEMPLATES_AND_SCRIPTS =
            "search templates and stored scripts are not allowed through the gateway";

    private static final List<Route> ROUTES = routes();

    private ScopeRules() {
    }

    /**
     * What to do with one search API request from a service with this scope.
     *
     * @param method   the HTTP method as received ({@code HEAD} is read as {@code GET})
     * @param rawPath  the path as received, still percent-encoded, without the query string
     * @param rawQuery the query string as received, without {@code ?}, or null; it is forwarded unchanged
     * @param scope    the service's read and write patterns
     */
    public static Decision decide(String method, String rawPath, String rawQuery, ServiceScope scope) {
        try {
            SearchApiRequest request = SearchApiRequest.parse(method, rawPath, rawQuery);
            Optional<Route> route = ROUTES.stream().filter(candidate -> candidate.matches(request)).findFirst();
            if (route.isPresent()) {
                return route.get().handler().handle(request, new IndexScoping(scope));
            }
            boolean otherMethod = ROUTES.stream().anyMatch(candidate -> candidate.matchesPath(request));
            return new Decision.Deny(otherMethod
                    ? "the method [" + method + "] is not allowed on [" + rawPath + "] through the gateway"
                    : "the search API path [" + rawPath + "] is not allowed through the gateway");
        } catch (ScopeRefusal refusal) {
            return new Decision.Deny(refusal.getMessage());
        }
    }

    private static List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.addAll(ClusterRoutes.routes());
        routes.addAll(ReadRoutes.routes());
        routes.addAll(WriteRoutes.routes());
        routes.addAll(TemplateRoutes.routes());
        // refused anyway; named here for a clearer reason than the default one
        for (String endpoint : List.of("_search/template", "_msearch/template", "_render/template",
                "_render/template/*")) {
            routes.add(route("GET POST", OPTIONAL, endpoint, (request, scoping) -> deny(TEMPLATES_AND_SCRIPTS)));
        }
        for (String endpoint : List.of("_scripts/*", "_scripts/*/*")) {
            routes.add(route("GET PUT POST DELETE", NONE, endpoint, (request, scoping) -> deny(TEMPLATES_AND_SCRIPTS)));
        }
        return List.copyOf(routes);
    }

    private static Decision deny(String reason) {
        return new Decision.Deny(reason);
    }
}
