package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import io.logstokengateway.scope.BodyRule.BodyVerdict;

/**
 * Closing scrolls and points in time. Their ids are unguessable capabilities that already name their indices, so
 * a service may close the ones it holds; but {@code _all} would close every tenant's, and is refused wherever it
 * appears (path, query or body).
 */
final class SearchContextRule {

    private SearchContextRule() {
    }

    static BodyRule refusingAll() {
        return body -> JsonBodies.verdict(body, bytes -> {
            JsonBodies.optionalObject(bytes).ifPresent(SearchContextRule::refuseAll);
            return new BodyVerdict.Accept(bytes);
        });
    }

    /** A comma list of ids (path segment, query value or JSON string) that must not hold {@code _all}. */
    static void refuseAll(String ids) {
        for (String id : ids.split(",", -1)) {
            if (id.strip().equals("_all")) {
                throw new ScopeRefusal("closing [_all] search contexts is not allowed through the gateway");
            }
        }
    }

    private static void refuseAll(JsonNode node) {
        if (node.isTextual()) {
            refuseAll(node.asText());
        }
        node.forEach(SearchContextRule::refuseAll);
    }
}
