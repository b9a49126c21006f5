package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import io.logstokengateway.scope.IndexScoping.WriteTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code _reindex}: the source must be readable (it is forwarded as the concrete indices it reaches), the
 * destination writable. Refused: a remote source (another cluster), a destination {@code pipeline} and a
 * {@code script}, both of which can set {@code _index} to anything.
 */
final class ReindexRule implements BodyRule {

    private static final Set<String> TOP_LEVEL = Set.of("source", "dest", "conflicts", "max_docs", "size");

    private final IndexScoping scoping;
    private final SearchBodyCheck searchCheck;

    ReindexRule(IndexScoping scoping) {
        this.scoping = scoping;
        this.searchCheck = new SearchBodyCheck(scoping);
    }

    @Override
    public BodyVerdict check(byte[] body) {
        return JsonBodies.verdict(body, bytes -> {
            ObjectNode reindex = JsonBodies.optionalObject(bytes)
                    .orElseThrow(() -> new ScopeRefusal("_reindex needs a body"));
            reindex.fieldNames().forEachRemaining(ReindexRule::requireKnownField);
            checkSource(reindex.get("source"));
            checkDestination(reindex.get("dest"));
            return new BodyVerdict.Accept(JsonBodies.bytes(reindex), null, ResponseRule.RELAY, true);
        });
    }

    private static void requireKnownField(String name) {
        if (name.equals("script")) {
            throw new ScopeRefusal("a _reindex [script] is not allowed through the gateway (it can change _index)");
        }
        if (!TOP_LEVEL.contains(name)) {
            throw new ScopeRefusal("the _reindex field [" + name + "] is not allowed through the gateway");
        }
    }

    private void checkSource(JsonNode source) {
        if (!(source instanceof ObjectNode object) || !(object.path("index").isTextual() || object.path("index").isArray())) {
            throw new ScopeRefusal("_reindex needs [source.index] as a string or an array");
        }
        if (object.has("remote")) {
            throw new ScopeRefusal("a remote _reindex source is not allowed through the gateway");
        }
        JsonNode index = object.get("index");
        List<String> names = new ArrayList<>();
        if (index.isTextual()) {
            names.add(index.asText());
        } else {
            for (JsonNode element : index) {
                if (!element.isTextual()) {
                    throw new ScopeRefusal("[source.index] must hold strings");
                }
                names.add(element.asText());
            }
        }
        if (names.isEmpty()) {
            throw new ScopeRefusal("an empty [source.index] means every index; name them instead");
        }
        ObjectNode rest = object.deepCopy();
        rest.remove("index");
        searchCheck.check(rest); // the query, and any index it refers to
        List<String> concrete = scoping.narrowForRead(Optional.of(IndexExpression.parse(String.join(",", names))));
        if (!concrete.equals(names)) { // wildcards or aliases: forwarded as the concrete indices they reach
            ArrayNode array = JsonBodies.MAPPER.createArrayNode();
            concrete.forEach(array::add);
            object.replace("index", array);
        }
    }

    private void checkDestination(JsonNode dest) {
        if (!(dest instanceof ObjectNode object) || !object.path("index").isTextual()) {
            throw new ScopeRefusal("_reindex needs [dest.index] as a string");
        }
        if (object.has("pipeline")) {
            throw new ScopeRefusal("an ingest [pipeline] is not allowed through the gateway");
        }
        scoping.requireWritable(IndexExpression.parse(object.get("index").asText()), WriteTargets.ONE);
    }
}
