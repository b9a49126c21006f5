package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.IndexPart.OPTIONAL;
import static io.logstokengateway.scope.Route.route;

import java.util.ArrayList;
import java.util.List;

/**
 * Index scoping of the search API: classifies a request as an allowlisted cluster read, a read (narrowed to the
 * concrete indices the service may read), a write (within its write patterns) or a refusal. Deny by default: a
 * method, path or query parameter that no route below knows is refused. Pure: no I/O, no state, safe to call from
 * any thread; what it depends on besides the request comes in the {@link ScopeContext}.
 */
public final class ScopeRules {

    private static final String TEMPLATES_AND_SCRIPTS =
            "search templates and stored scripts are not allowed through the gateway";

    private static final List<Route> ROUTES = routes();

    /**
     * A decision, and whether it may be taken again for the same request on the same catalog without asking the
     * rules (it may not when it opened a search context id, which expires, or relied on a name the catalog did not
     * know).
     */
    public record Ruling(Decision decision, boolean reusable) {
    }

    private ScopeRules() {
    }

    /**
     * What to do with one search API request.
     *
     * @param method   the HTTP method as received ({@code HEAD} is read as {@code GET})
     * @param rawPath  the path as received, still percent-encoded, without the query string
     * @param rawQuery the query string as received, without {@code ?}, or null
     * @param context  the service, its patterns, the index catalog, the sealing of ids and the limits
     */
    public static Ruling decide(String method, String rawPath, String rawQuery, ScopeContext context) {
        IndexScoping scoping = new IndexScoping(context);
        try {
            SearchApiRequest request = SearchApiRequest.parse(method, rawPath, rawQuery, context.limits());
            for (Route route : ROUTES) {
                if (route.matches(request)) {
                    request.query().requireOnly(route.parameters(), rawPath);
                    request.query().requireBooleans(Parameters.COMMON_BOOLEANS);
                    return new Ruling(route.handler().handle(request, scoping), scoping.reusable());
                }
            }
            boolean otherMethod = ROUTES.stream().anyMatch(candidate -> candidate.matchesPath(request));
            return new Ruling(new Decision.Deny(otherMethod
                    ? "the method [" + method + "] is not allowed on [" + rawPath + "] through the gateway"
                    : "the search API path [" + rawPath + "] is not allowed through the gateway"), true);
        } catch (ScopeRefusal refusal) {
            return new Ruling(new Decision.Deny(refusal.status(), refusal.getMessage()), scoping.reusable());
        } catch (IndexScoping.CatalogTooOld tooOld) {
            return new Ruling(new Decision.ReadCatalogAgain(), false);
        }
    }

    private static List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.addAll(ClusterRoutes.routes());
        routes.addAll(SearchContextRoutes.routes());
        routes.addAll(ReadRoutes.routes());
        routes.addAll(WriteRoutes.routes());
        routes.addAll(TemplateRoutes.routes());
        // refused anyway; named here for a clearer reason than the default one
        for (String endpoint : List.of("_search/template", "_msearch/template", "_render/template",
                "_render/template/*")) {
            routes.add(route("GET POST", OPTIONAL, endpoint, Parameters.NONE, (request, scoping) -> deny(TEMPLATES_AND_SCRIPTS)));
        }
        for (String endpoint : List.of("_scripts/*", "_scripts/*/*")) {
            routes.add(route("GET PUT POST DELETE", NONE, endpoint, Parameters.NONE, (request, scoping) -> deny(TEMPLATES_AND_SCRIPTS)));
        }
        return List.copyOf(routes);
    }

    private static Decision deny(String reason) {
        return new Decision.Deny(reason);
    }
}
