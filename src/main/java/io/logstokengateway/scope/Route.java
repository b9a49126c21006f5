package io.logstokengateway.scope;

import java.util.List;
import java.util.Set;

/**
 * One request shape the gateway knows: methods, whether an index expression leads the path, and the endpoint
 * segments after it, matched raw as Elasticsearch matches them ({@code *} stands for any one segment).
 */
record Route(Set<String> methods, IndexPart index, List<String> endpoint, Handler handler) {

    /** Whether the path starts with an index expression. */
    enum IndexPart {
        NONE, OPTIONAL, REQUIRED
    }

    /** Decides a request that matched the route; may throw {@link ScopeRefusal}. */
    @FunctionalInterface
    interface Handler {
        Decision handle(SearchApiRequest request, IndexScoping scoping);
    }

    Route {
        methods = Set.copyOf(methods);
        endpoint = List.copyOf(endpoint);
    }

    /** {@code route("GET POST", OPTIONAL, "_mapping/field/*", handler)}; {@code GET} covers {@code HEAD}. */
    static Route route(String methods, IndexPart index, String endpoint, Handler handler) {
        return new Route(Set.of(methods.split(" ")), index,
                endpoint.isEmpty() ? List.of() : List.of(endpoint.split("/")), handler);
    }

    boolean matches(SearchApiRequest request) {
        return methods.contains(request.method()) && matchesPath(request);
    }

    boolean matchesPath(SearchApiRequest request) {
        boolean hasIndex = request.index().isPresent();
        if ((index == IndexPart.NONE && hasIndex) || (index == IndexPart.REQUIRED && !hasIndex)) {
            return false;
        }
        List<String> raw = request.rawEndpoint();
        if (raw.size() != endpoint.size()) {
            return false;
        }
        for (int i = 0; i < raw.size(); i++) {
            if (!endpoint.get(i).equals("*") && !endpoint.get(i).equals(raw.get(i))) {
                return false;
            }
        }
        return true;
    }
}
