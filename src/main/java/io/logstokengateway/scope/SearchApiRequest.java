package io.logstokengateway.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A search API request as Elasticsearch routes it: the raw path is split on {@code /}, literal route segments are
 * compared raw ({@code /%5Fsearch} is not {@code /_search}), and each parameter segment is decoded on its own. The
 * first segment is the index expression unless it is an API keyword. What is forwarded is rebuilt from this reading
 * ({@link #pathAndQuery()}): every segment re-encoded from its decoded form, the query re-encoded from its
 * parameters.
 *
 * @param method      upper-case HTTP method, {@code HEAD} already mapped to {@code GET}
 * @param rawPath     the path as received, for messages
 * @param index       the parsed index expression of the first segment, if the path has one
 * @param rawEndpoint the segments after the index (or all of them), as received: what routes match
 * @param endpoint    the same segments, decoded
 * @param query       the decoded query parameters
 */
record SearchApiRequest(String method, String rawPath, Optional<IndexExpression> index, List<String> rawEndpoint,
        List<String> endpoint, QueryParameters query) {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE");

    SearchApiRequest {
        rawEndpoint = List.copyOf(rawEndpoint);
        endpoint = List.copyOf(endpoint);
    }

    static SearchApiRequest parse(String method, String rawPath, String rawQuery, ScopeLimits limits) {
        String normalisedMethod = "HEAD".equals(method) ? "GET" : method;
        if (!METHODS.contains(normalisedMethod)) {
            throw new ScopeRefusal("the HTTP method [" + method + "] is not allowed through the gateway");
        }
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw ScopeRefusal.malformed("the request path must start with [/]");
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
        return new SearchApiRequest(normalisedMethod, rawPath, index, raw, decoded,
                QueryParameters.parse(rawQuery, limits.maxQueryParameters()));
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
            throw ScopeRefusal.malformed("the request path [" + rawPath + "] has an empty segment");
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

    /** The same request with other query parameters. */
    SearchApiRequest withQuery(QueryParameters parameters) {
        return new SearchApiRequest(method, rawPath, index, rawEndpoint, endpoint, parameters);
    }

    /** This request's own path and query, rebuilt from what was read. */
    String pathAndQuery() {
        return index.map(expression -> pathAndQuery(expression.items().stream().map(IndexExpression.Item::text).toList()))
                .orElseGet(() -> withQuery(join(endpoint)));
    }

    /** The path with these index items in front of the endpoint. */
    String pathAndQuery(List<String> indexItems) {
        List<String> segments = new ArrayList<>();
        segments.add(PercentEncoding.encodeIndexList(indexItems));
        segments.addAll(encoded(endpoint));
        return withQuery("/" + String.join("/", segments));
    }

    /** The endpoint with its segment at {@code position} replaced by these index items (for {@code _cat/indices/x}). */
    String pathAndQueryWithSegment(int position, List<String> indexItems) {
        List<String> segments = new ArrayList<>(encoded(endpoint.subList(0, Math.min(position, endpoint.size()))));
        segments.add(PercentEncoding.encodeIndexList(indexItems));
        if (position + 1 < endpoint.size()) {
            segments.addAll(encoded(endpoint.subList(position + 1, endpoint.size())));
        }
        return withQuery("/" + String.join("/", segments));
    }

    /** The endpoint without its segments from {@code position} on (an id moved into the body). */
    String pathAndQueryUpTo(int position) {
        return withQuery(join(endpoint.subList(0, Math.min(position, endpoint.size()))));
    }

    private static List<String> encoded(List<String> decoded) {
        return decoded.stream().map(PercentEncoding::encodeSegment).toList();
    }

    private static String join(List<String> decoded) {
        return "/" + String.join("/", encoded(decoded));
    }

    private String withQuery(String path) {
        String encoded = query.encode();
        return encoded.isEmpty() ? path : path + "?" + encoded;
    }
}
