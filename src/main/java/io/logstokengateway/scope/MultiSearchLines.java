package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.scope.IndexScoping.Expansion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code _msearch}, line by line: header and search lines in pairs, each pair forwarded once its search line is
 * checked. Every header is rewritten to name its indices explicitly, as a JSON array of the concrete indices the
 * service may read: a header's {@code index} (or {@code indices}) may be a comma string or an array (Grafana sends
 * both); an empty one means every index to Elasticsearch, and a missing one means the path's indices, or every index
 * when the path has none. Only a point-in-time search keeps a header without index; its point in time id is opened
 * (an id that does not open is answered as one the upstream no longer holds), and the answer's ids are sealed.
 */
final class MultiSearchLines implements LineRule {

    private final IndexScoping scoping;
    private final SearchBodyCheck searchCheck;
    /** The path's narrowed indices, empty when the path has no index. */
    private final Optional<List<String>> pathIndices;
    private final Expansion expansion;
    private ObjectNode header;
    private boolean pointInTime;
    private int lines;

    MultiSearchLines(IndexScoping scoping, Optional<List<String>> pathIndices, Expansion expansion) {
        this.scoping = scoping;
        this.searchCheck = new SearchBodyCheck(scoping);
        this.pathIndices = pathIndices;
        this.expansion = expansion;
    }

    @Override
    public boolean nextLineChecked() {
        return true;
    }

    @Override
    public LineVerdict check(byte[] line, boolean terminated) {
        return Lines.verdict(() -> {
            scoping.requireFewLines(lines + 1);
            Lines.requireNotBlank(line, lines + 1);
            ObjectNode read = JsonBodies.object(JsonBodies.utf8(line));
            if (header == null) {
                header = read;
                lines++;
                return Lines.NOTHING_MORE; // sent with its search line, once both are checked
            }
            searchCheck.check(read);
            boolean searchesPointInTime = SearchBodyCheck.searchesPointInTime(read);
            ObjectNode narrowed = header.deepCopy();
            narrowHeader(narrowed, searchesPointInTime);
            byte[] search = line;
            if (searchesPointInTime) {
                if (!SearchContextRoutes.openPointInTime(read, scoping)) {
                    return new LineVerdict.Answer(404, SearchContexts.MISSING);
                }
                search = JsonBodies.bytes(read);
                pointInTime = true;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(search.length + 256);
            out.writeBytes(JsonBodies.bytes(narrowed));
            out.write('\n');
            out.writeBytes(search);
            if (terminated) {
                out.write('\n');
            }
            header = null;
            lines++;
            return new LineVerdict.Forward(out.toByteArray());
        });
    }

    @Override
    public void passed() {
        throw new IllegalStateException("every line of an _msearch body is checked");
    }

    @Override
    public LineVerdict end() {
        if (lines == 0) {
            return new LineVerdict.Deny(403, "the request body is empty");
        }
        if (header != null) {
            return new LineVerdict.Deny(403, "the _msearch body must hold pairs of header and search lines");
        }
        return Lines.NOTHING_MORE;
    }

    @Override
    public ResponseRule response() {
        return pointInTime ? SearchContextRoutes.sealingPointsInTimeOfMultiSearch(scoping) : ResponseRule.RELAY;
    }

    @Override
    public void useCurrentCatalog(IndexCatalog catalog) {
        scoping.useCurrentCatalog(catalog);
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
