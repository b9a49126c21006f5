package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import io.logstokengateway.scope.IndexScoping.Expansion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code _msearch}: header and search lines in pairs. Every header is rewritten to name its indices explicitly, as
 * a JSON array of the concrete indices the service may read: a header's {@code index} (or {@code indices}) may be a
 * comma string or an array (Grafana sends both); an empty one means every index to Elasticsearch, and a missing one
 * means the path's indices, or every index when the path has none. Only a point-in-time search keeps a header
 * without index; its point in time id is opened (an id that does not open is answered as one the upstream no
 * longer holds), and the answer's ids are sealed.
 */
final class MultiSearchRule implements BodyRule {

    private final IndexScoping scoping;
    private final SearchBodyCheck searchCheck;
    /** The path's narrowed indices, empty when the path has no index. */
    private final Optional<List<String>> pathIndices;
    private final Expansion expansion;

    MultiSearchRule(IndexScoping scoping, Optional<List<String>> pathIndices, Expansion expansion) {
        this.scoping = scoping;
        this.searchCheck = new SearchBodyCheck(scoping);
        this.pathIndices = pathIndices;
        this.expansion = expansion;
    }

    @Override
    public BodyVerdict check(byte[] body) {
        return JsonBodies.verdict(body, bytes -> {
            List<int[]> lines = JsonBodies.lines(bytes);
            if (lines.size() % 2 != 0) {
                throw new ScopeRefusal("the _msearch body must hold pairs of header and search lines");
            }
            StringBuilder out = new StringBuilder();
            boolean pointInTime = false;
            for (int i = 0; i < lines.size(); i += 2) {
                ObjectNode header = JsonBodies.object(JsonBodies.text(bytes, lines.get(i)));
                String searchLine = JsonBodies.text(bytes, lines.get(i + 1));
                ObjectNode search = JsonBodies.object(searchLine);
                searchCheck.check(search);
                boolean searchesPointInTime = SearchBodyCheck.searchesPointInTime(search);
                narrowHeader(header, searchesPointInTime);
                if (searchesPointInTime) {
                    if (!SearchContextRoutes.openPointInTime(search, scoping)) {
                        return new BodyVerdict.Answer(404, SearchContexts.MISSING);
                    }
                    searchLine = JsonBodies.write(search);
                    pointInTime = true;
                }
                out.append(JsonBodies.write(header)).append('\n').append(searchLine).append('\n');
            }
            byte[] rewritten = out.toString().getBytes(StandardCharsets.UTF_8);
            return new BodyVerdict.Accept(rewritten, null, pointInTime
                    ? SearchContextRoutes.sealingPointsInTimeOfMultiSearch(scoping) : ResponseRule.RELAY, false);
        });
    }

    private void narrowHeader(ObjectNode header, boolean pointInTime) {
        if (header.has("index") && header.has("indices")) {
            throw new ScopeRefusal("an _msearch header may not have both [index] and [indices]");
        }
        JsonNode requested = header.has("index") ? header.remove("index") : header.remove("indices");
        JsonNode wildcards = header.get("expand_wildcards");
        Expansion expansion = wildcards == null ? this.expansion
                : Expansion.of(Optional.of(wildcards.isArray() ? joined(wildcards) : wildcards.asText()));
        List<String> narrowed;
        if (requested == null) {
            if (pointInTime && pathIndices.isEmpty()) {
                return;
            }
            narrowed = pathIndices.orElseGet(() -> scoping.narrowForRead(Optional.empty(), expansion));
        } else {
            narrowed = scoping.narrowForRead(expressionOf(requested), expansion);
        }
        ArrayNode indices = header.putArray("index");
        narrowed.forEach(indices::add);
    }

    private static String joined(JsonNode values) {
        List<String> parts = new ArrayList<>();
        values.forEach(value -> parts.add(value.asText()));
        return String.join(",", parts);
    }

    /** The header's indices as one expression; empty (every index, to Elasticsearch) when it names none. */
    private static Optional<IndexExpression> expressionOf(JsonNode requested) {
        List<String> parts = new ArrayList<>();
        if (requested.isTextual()) {
            parts.add(requested.asText());
        } else if (requested.isArray()) {
            for (JsonNode element : requested) {
                if (!element.isTextual()) {
                    throw new ScopeRefusal("an _msearch header's indices must be strings");
                }
                parts.add(element.asText());
            }
        } else {
            throw new ScopeRefusal("an _msearch header's index must be a string or an array of strings");
        }
        String joined = String.join(",", parts);
        return joined.isEmpty() ? Optional.empty() : Optional.of(IndexExpression.parse(joined));
    }
}
