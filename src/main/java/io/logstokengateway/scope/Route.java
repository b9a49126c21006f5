package io.logstokengateway.scope;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One request shape the gateway knows: methods, whether an index expression leads the path, the endpoint segments
 * after it, matched raw as Elasticsearch matches them ({@code *} stands for any one segment), and the query
 * parameters it takes. A parameter the route does not list is refused, as the upstream refuses one it does not know:
 * the gateway forwards only what it understands.
 */
record Route(Set<String> methods, IndexPart index, List<String> endpoint, Set<String> parameters, Handler handler) {

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
        Set<String> all = new HashSet<>(parameters);
        all.addAll(Parameters.COMMON);
        parameters = Set.copyOf(all);
    }

    /**
     * {@code route("GET POST", OPTIONAL, "_mapping/field/*", Parameters.GET_FIELD_MAPPING, handler)}; {@code GET} covers
     * {@code HEAD}; the parameters every request takes ({@link Parameters#COMMON}) are added.
     */
    static Route route(String methods, IndexPart index, String endpoint, Set<String> parameters, Handler handler) {
        return new Route(Set.of(methods.split(" ")), index,
                endpoint.isEmpty() ? List.of() : List.of(endpoint.split("/")), parameters, handler);
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
