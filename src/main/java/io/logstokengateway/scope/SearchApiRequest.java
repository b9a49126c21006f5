package io.logstokengateway.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A search API request as Elasticsearch routes it: the raw path is split on {@code /}, literal route segments are
 * compared raw ({@code /%5Fsearch} is not {@code /_search}), and each parameter segment is decoded on its own. The
 * first segment is the index expression unless it is an API keyword.
 *
 * @param method      upper-case HTTP method, {@code HEAD} already mapped to {@code GET}
 * @param rawPath     the path as received, for messages
 * @param index       the parsed index expression of the first segment, if the path has one
 * @param rawEndpoint the segments after the index (or all of them), as received
 * @param endpoint    the same segments, decoded
 * @param query       the decoded query parameters
 * @param rawQuery    the query string as received, forwarded unchanged
 */
record SearchApiRequest(String method, String rawPath, Optional<IndexExpression> index, List<String> rawEndpoint,
        List<String> endpoint, QueryParameters query, String rawQuery) {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE");

    SearchApiRequest {
        rawEndpoint = List.copyOf(rawEndpoint);
        endpoint = List.copyOf(endpoint);
    }

    static SearchApiRequest parse(String method, String rawPath, String rawQuery) {
        String normalisedMethod = "HEAD".equals(method) ? "GET" : method;
        if (!METHODS.contains(normalisedMethod)) {
            throw new ScopeRefusal("the HTTP method [" + method + "] is not allowed through the gateway");
        }
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw new ScopeRefusal("the request path must start with [/]");
        }
        List<String> raw = segments(rawPath);
        List<String> decoded = new ArrayList<>();
        for (String segment : raw) {
            decoded.add(PercentEncoding.decodePathSegment(segment));
        }
        Optional<IndexExpression> index = Optional.empty();
        if (!raw.isEmpty() && isIndexSegment(raw.get(0))) {
            index = Optional.of(IndexExpression.parse(decoded.get(0)));
            raw = raw.subList(1, raw.size());
            decoded = decoded.subList(1, decoded.size());
        }
        return new SearchApiRequest(normalisedMethod, rawPath, index, raw, decoded, QueryParameters.parse(rawQuery),
                rawQuery == null ? "" : rawQuery);
    }

    /**
     * Elasticsearch's own routes all start with a {@code _} keyword; any other first segment is an index. {@code _all}
     * (alone or leading a list) is the one index expression that starts with {@code _}; other {@code _} segments
     * that are no known route are refused rather than guessed at.
     */
    private static boolean isIndexSegment(String rawSegment) {
        return !rawSegment.startsWith("_") || rawSegment.equals("_all") || rawSegment.startsWith("_all,");
    }

    /** Trailing slashes are dropped (Elasticsearch ignores them); an empty segment anywhere else is refused. */
    private static List<String> segments(String rawPath) {
        String trimmed = rawPath;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.equals("/")) {
            return List.of();
        }
        List<String> segments = List.of(trimmed.substring(1).split("/", -1));
        if (segments.contains("")) {
            throw new ScopeRefusal("the request path [" + rawPath + "] has an empty segment");
        }
        return segments;
    }

    /** The decoded endpoint segment at {@code position}. */
    String segment(int position) {
        return endpoint.get(position);
    }

    /** The index expression, which the matched route guarantees is present. */
    IndexExpression requiredIndex() {
        return index.orElseThrow(() -> new ScopeRefusal("this request needs an index"));
    }

    /** This request's own path and query, rebuilt from what was checked. */
    String pathAndQuery() {
        return index.map(expression -> pathAndQuery(expression.items().stream().map(IndexExpression.Item::text).toList()))
                .orElseGet(() -> withQuery(join(rawEndpoint)));
    }

    /** The path with these index items in front of the endpoint, and the query string as received. */
    String pathAndQuery(List<String> indexItems) {
        List<String> segments = new ArrayList<>();
        segments.add(PercentEncoding.encodeIndexList(indexItems));
        segments.addAll(rawEndpoint);
        return withQuery(join(segments));
    }

    /** The endpoint with its segment at {@code position} replaced by these index items (for {@code _cat/indices/x}). */
    String pathAndQueryWithSegment(int position, List<String> indexItems) {
        List<String> segments = new ArrayList<>(rawEndpoint.subList(0, Math.min(position, rawEndpoint.size())));
        segments.add(PercentEncoding.encodeIndexList(indexItems));
        if (position + 1 < rawEndpoint.size()) {
            segments.addAll(rawEndpoint.subList(position + 1, rawEndpoint.size()));
        }
        return withQuery(join(segments));
    }

    private static String join(List<String> segments) {
        return "/" + String.join("/", segments);
    }

    private String withQuery(String path) {
        return rawQuery.isEmpty() ? path : path + "?" + rawQuery;
    }
}
