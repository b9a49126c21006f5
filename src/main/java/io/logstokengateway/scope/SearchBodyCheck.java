package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds every index a search body refers to besides its targets and refuses those the service may not read: terms
 * lookup ({@code "index"}), {@code more_like_this} and {@code pinned} documents ({@code "_index"}), geo shapes
 * ({@code indexed_shape.index}, whose default index {@code shapes} is nobody's), {@code percolate}, lookup runtime
 * fields ({@code target_index}) and {@code indices_boost}. A {@code wrapper} query (base64) and a phrase
 * suggester's {@code collate} (a query template) hide a query from the gateway, so they are refused.
 *
 * <p>The walk is deliberately broad: an {@code "index"} string anywhere counts, except where the query grammar
 * makes the key a field name (under {@code term}, {@code match}, {@code sort}, ...) and in script parameters,
 * which are data. User data that happens to hold {@code "index": "other"} (an artificial document in
 * {@code _termvectors}, say) is refused too: a false refusal, never a leak.
 */
final class SearchBodyCheck {

    private static final Set<String> INDEX_KEYS = Set.of("index", "_index", "target_index");
    /** Objects whose keys are field names, so {@code {"term": {"index": "x"}}} is a query on a field named index. */
    private static final Set<String> FIELD_KEYED = Set.of("term", "terms", "match", "match_phrase",
            "match_phrase_prefix", "match_bool_prefix", "prefix", "wildcard", "regexp", "fuzzy", "range", "span_term",
            "sort");

    private final IndexScoping scoping;

    SearchBodyCheck(IndexScoping scoping) {
        this.scoping = scoping;
    }

    /** Checks one search body (a whole {@code _search} body, one {@code _msearch} search line, a reindex source). */
    void check(JsonNode body) {
        walk(body, "");
    }

    /** Whether the body searches a point in time, which carries its own indices and forbids any in the path. */
    static boolean searchesPointInTime(JsonNode body) {
        return body != null && body.isObject() && body.has("pit");
    }

    private void walk(JsonNode node, String parentKey) {
        if (node.isArray()) {
            for (JsonNode element : node) {
                walk(element, parentKey);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        boolean keysAreFields = FIELD_KEYED.contains(parentKey);
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (keysAreFields && isScalarOrScalars(value)) {
                continue;
            }
            if (INDEX_KEYS.contains(key) && !value.isObject()) {
                requireReadable(value);
            } else if ((key.equals("wrapper") || key.equals("collate")) && !keysAreFields) {
                // a base64 query, or a suggester's query template: text the gateway cannot see into
                throw new ScopeRefusal("[" + key + "] is not allowed in a search through the gateway");
            } else if (key.equals("indexed_shape") && value.isObject() && !value.has("index")) {
                throw new ScopeRefusal("[indexed_shape] must name its index (the default index is nobody's)");
            } else if (key.equals("indices_boost")) {
                requireReadableBoosts(value);
            } else if (key.equals("params") && parentKey.equals("script")) {
                continue;
            } else {
                walk(value, key);
            }
        }
    }

    private void requireReadable(JsonNode value) {
        if (value.isNull() || value.isBoolean()) {
            return; // not an index name (a mapping's "index": false, say)
        }
        if (value.isArray()) {
            if (value.isEmpty()) {
                throw new ScopeRefusal("an empty list of indices means every index; name them instead");
            }
            for (JsonNode element : value) {
                if (!element.isTextual()) {
                    throw new ScopeRefusal("an index in the request body must be a string");
                }
                scoping.requireReadable(IndexExpression.parse(element.asText()));
            }
            return;
        }
        // Elasticsearch reads a number as its text, so it is an index name too
        scoping.requireReadable(IndexExpression.parse(value.asText()));
    }

    /** {@code indices_boost}: {@code [{"index-expr": 1.2}, ...]} or the older {@code {"index-expr": 1.2}}. */
    private void requireReadableBoosts(JsonNode value) {
        Iterable<JsonNode> entries = value.isArray() ? value : List.of(value);
        for (JsonNode entry : entries) {
            if (!entry.isObject()) {
                throw new ScopeRefusal("[indices_boost] must hold objects");
            }
            entry.fieldNames().forEachRemaining(name -> scoping.requireReadableNames(IndexExpression.parse(name)));
        }
    }

    private static boolean isScalarOrScalars(JsonNode value) {
        if (value.isValueNode()) {
            return true;
        }
        if (!value.isArray()) {
            return false;
        }
        for (JsonNode element : value) {
            if (!element.isValueNode()) {
                return false;
            }
        }
        return true;
    }
}
