package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.scope.LineRule.LineVerdict;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code _bulk}, line by line: each action line ({@code index}, {@code create}, {@code update}, {@code delete}) must
 * write to one index within the write patterns (or an alias whose every index is), named by its {@code _index} or
 * else by the path; the new indices among them must fit within the service's limit. The document line after
 * {@code index}, {@code create} and {@code update} is data: it passes through as it streams, unread. An action's
 * {@code pipeline} is refused: an ingest pipeline can rewrite a document's {@code _index}. Lines are forwarded as
 * received.
 */
final class BulkLines implements LineRule {

    private static final Set<String> ACTIONS_WITH_DOCUMENT = Set.of("index", "create", "update");

    private final IndexScoping scoping;
    private final boolean pathHasIndex;
    private final Set<String> newIndices = new HashSet<>();
    private boolean documentNext;
    private int lines;

    BulkLines(IndexScoping scoping, boolean pathHasIndex) {
        this.scoping = scoping;
        this.pathHasIndex = pathHasIndex;
    }

    @Override
    public boolean nextLineChecked() {
        return !documentNext;
    }

    @Override
    public LineVerdict check(byte[] line, boolean terminated) {
        return Lines.verdict(() -> {
            int lineNumber = lines + 1;
            scoping.requireFewLines(lineNumber);
            Lines.requireNotBlank(line, lineNumber);
            ObjectNode action = JsonBodies.object(JsonBodies.utf8(line));
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
            checkTarget(metadata, lineNumber);
            lines = lineNumber;
            documentNext = ACTIONS_WITH_DOCUMENT.contains(type);
            return Lines.asReceived(line, terminated);
        });
    }

    @Override
    public void passed() {
        lines++;
        documentNext = false;
    }

    @Override
    public LineVerdict end() {
        if (documentNext) {
            return new LineVerdict.Deny(403, "bulk line " + lines + " has no document line after it");
        }
        if (lines == 0) {
            return new LineVerdict.Deny(403, "the request body is empty");
        }
        return Lines.NOTHING_MORE;
    }

    @Override
    public ResponseRule response() {
        return ResponseRule.RELAY;
    }

    @Override
    public void useCurrentCatalog(IndexCatalog catalog) {
        scoping.useCurrentCatalog(catalog);
    }

    private void checkTarget(ObjectNode metadata, int lineNumber) {
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
            return;
        }
        if (!index.isTextual()) {
            throw new ScopeRefusal("bulk line " + lineNumber + ": [_index] must be a string");
        }
        scoping.requireWritableDocument(index.asText(), newIndices);
    }
}
