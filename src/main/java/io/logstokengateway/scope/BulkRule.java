package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code _bulk}: each action line ({@code index}, {@code create}, {@code update}, {@code delete}) must write to one
 * index within the write patterns (or an alias whose every index is), named by its {@code _index} or else by the
 * path; the new indices among them must fit within the service's limit. The document line after
 * {@code index}, {@code create} and {@code update} is data and passes as it is. An action's {@code pipeline} is
 * refused: an ingest pipeline can rewrite a document's {@code _index}. The body is forwarded unchanged.
 */
final class BulkRule implements BodyRule {

    private static final Set<String> ACTIONS_WITH_DOCUMENT = Set.of("index", "create", "update");

    private final IndexScoping scoping;
    private final boolean pathHasIndex;

    BulkRule(IndexScoping scoping, boolean pathHasIndex) {
        this.scoping = scoping;
        this.pathHasIndex = pathHasIndex;
    }

    @Override
    public BodyVerdict check(byte[] body) {
        return JsonBodies.verdict(body, bytes -> {
            Set<String> targets = new LinkedHashSet<>();
            checkActions(bytes, JsonBodies.lines(bytes), targets);
            scoping.requireWritableDocuments(targets);
            return new BodyVerdict.Accept(bytes);
        });
    }

    private void checkActions(byte[] body, List<int[]> lines, Set<String> targets) {
        int i = 0;
        while (i < lines.size()) {
            int lineNumber = i + 1;
            ObjectNode action = JsonBodies.object(JsonBodies.text(body, lines.get(i)));
            if (action.size() != 1) {
                throw new ScopeRefusal("bulk line " + lineNumber + " must hold exactly one action");
            }
            Map.Entry<String, JsonNode> entry = action.fields().next();
            String type = entry.getKey();
            if (!ACTIONS_WITH_DOCUMENT.contains(type) && !type.equals("delete")) {
                throw new ScopeRefusal("bulk line " + lineNumber + " has the unknown action [" + type + "]");
            }
            if (!(entry.getValue() instanceof ObjectNode metadata)) {
                throw new ScopeRefusal("bulk line " + lineNumber + " must hold an object for its action");
            }
            checkTarget(metadata, lineNumber).ifPresent(targets::add);
            i += ACTIONS_WITH_DOCUMENT.contains(type) ? 2 : 1;
            if (i > lines.size()) {
                throw new ScopeRefusal("bulk line " + lineNumber + " has no document line after it");
            }
        }
    }

    /** The action's own index, if it names one (else the path's applies). */
    private Optional<String> checkTarget(ObjectNode metadata, int lineNumber) {
        if (metadata.has("pipeline")) {
            throw new ScopeRefusal("bulk line " + lineNumber + ": an ingest [pipeline] is not allowed through the gateway");
        }
        if (metadata.has("index")) {
            throw new ScopeRefusal("bulk line " + lineNumber + ": use [_index], not [index]");
        }
        JsonNode index = metadata.get("_index");
        if (index == null) {
            if (!pathHasIndex) {
                throw new ScopeRefusal("bulk line " + lineNumber + " names no index and the path has none");
            }
            return Optional.empty();
        }
        if (!index.isTextual()) {
            throw new ScopeRefusal("bulk line " + lineNumber + ": [_index] must be a string");
        }
        return Optional.of(index.asText());
    }
}
