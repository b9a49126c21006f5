package io.logstokengateway.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decoded parameters of a query string, read the way Elasticsearch reads them (split on {@code &}, then on the
 * first {@code =}), for checking only: the gateway forwards the query string exactly as received.
 */
record QueryParameters(List<Map.Entry<String, String>> entries) {

    /**
     * Parameters that would widen or redirect a request whatever its path. Elasticsearch reads a path part from the
     * query string when the path does not set it ({@code GET /_search?index=other}); {@code source} carries a
     * whole body ({@code _msearch} headers included) past the body checks; an ingest {@code pipeline} can rewrite
     * a document's {@code _index}.
     */
    private static final Set<String> FORBIDDEN = Set.of("index", "source", "pipeline");

    QueryParameters {
        entries = List.copyOf(entries);
    }

    static QueryParameters parse(String rawQuery) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = PercentEncoding.decodeQueryComponent(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : PercentEncoding.decodeQueryComponent(pair.substring(equals + 1));
                entries.add(Map.entry(name, value));
            }
        }
        QueryParameters parameters = new QueryParameters(entries);
        parameters.refuseForbidden();
        return parameters;
    }

    /** Every value given for the parameter, in order (Elasticsearch keeps the last one; checks look at all). */
    List<String> values(String name) {
        return entries.stream().filter(entry -> entry.getKey().equals(name)).map(Map.Entry::getValue).toList();
    }

    private void refuseForbidden() {
        for (Map.Entry<String, String> entry : entries) {
            if (FORBIDDEN.contains(entry.getKey())) {
                throw new ScopeRefusal("the query parameter [" + entry.getKey() + "] is not allowed through the gateway");
            }
        }
    }
}
