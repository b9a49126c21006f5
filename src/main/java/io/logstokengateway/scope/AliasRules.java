package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import io.logstokengateway.scope.IndexScoping.WriteTargets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aliases a service manages over its own indices: both the alias and the concrete indices it points at must lie
 * within the write patterns (the indices of an action are forwarded as the concrete indices they reach). An alias is a name other searches resolve, so one named outside them could slip this service's
 * documents into another tenant's searches or catch its writes, and one pointing outside them would open another
 * tenant's indices under a name this service may read. A {@code filter} is checked like a search body (a terms
 * lookup in it runs on every search through the alias). Saved-objects migrations of Kibana and OpenSearch
 * Dashboards need this: they point the configured index name at {@code <name>_N} through an alias.
 */
final class AliasRules {

    private static final Set<String> ACTIONS = Set.of("add", "remove", "remove_index");
    private static final Set<String> ACTION_FIELDS = Set.of("index", "indices", "alias", "aliases", "filter", "routing",
            "index_routing", "search_routing", "is_write_index", "is_hidden", "must_exist");
    private static final Set<String> DEFINITION_FIELDS = Set.of("filter", "routing", "index_routing", "search_routing",
            "is_write_index", "is_hidden");

    private AliasRules() {
    }

    /** {@code POST /_aliases}: every action's indices and aliases are checked. */
    static Decision actions(SearchApiRequest request, IndexScoping scoping) {
        scoping.indicesChange();
        return new Decision.ForwardCheckedBody(request.pathAndQuery(), body -> JsonBodies.verdict(body, bytes -> {
            ObjectNode actions = JsonBodies.optionalObject(bytes).orElseThrow(() -> new ScopeRefusal("_aliases needs a body"));
            requireOnly(actions, Set.of("actions"), "_aliases");
            JsonNode list = actions.get("actions");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw new ScopeRefusal("_aliases needs [actions] as a non-empty array");
            }
            list.forEach(action -> checkAction(action, scoping));
            return new BodyVerdict.Accept(JsonBodies.bytes(actions), null, ResponseRule.RELAY, true);
        }));
    }

    /** {@code PUT|POST /{index}/_alias/{name}}: one alias name, indices within the write patterns, optional body. */
    static Decision put(SearchApiRequest request, IndexScoping scoping) {
        scoping.indicesChange();
        List<String> targets = scoping.requireWritable(request.requiredIndex(), WriteTargets.PATTERNS);
        scoping.requireAliasNames(request.segment(1), false);
        return new Decision.ForwardCheckedBody(request.pathAndQuery(targets), body -> JsonBodies.verdict(body, bytes -> {
            JsonBodies.optionalObject(bytes).ifPresent(definition -> checkDefinition(definition, scoping));
            return new BodyVerdict.Accept(bytes);
        }));
    }

    /** {@code DELETE /{index}/_alias/{names}}: names or wildcards, all within the write patterns. */
    static Decision delete(SearchApiRequest request, IndexScoping scoping) {
        scoping.indicesChange();
        List<String> targets = scoping.requireWritable(request.requiredIndex(), WriteTargets.PATTERNS);
        scoping.requireAliasNames(request.segment(1), true);
        return new Decision.Forward(request.pathAndQuery(targets));
    }

    /** The {@code aliases} object of an index creation: each alias name and definition as for a single alias. */
    static void checkIndexAliases(JsonNode aliases, IndexScoping scoping) {
        if (aliases == null) {
            return;
        }
        if (!(aliases instanceof ObjectNode object)) {
            throw new ScopeRefusal("[aliases] must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> entries = object.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            scoping.requireAliasNames(entry.getKey(), false);
            if (!(entry.getValue() instanceof ObjectNode definition)) {
                throw new ScopeRefusal("the alias [" + entry.getKey() + "] needs an object");
            }
            checkDefinition(definition, scoping);
        }
    }

    private static void checkAction(JsonNode action, IndexScoping scoping) {
        if (!(action instanceof ObjectNode object) || object.size() != 1) {
            throw new ScopeRefusal("each _aliases action must be an object with one of " + ACTIONS);
        }
        String kind = object.fieldNames().next();
        if (!ACTIONS.contains(kind) || !(object.get(kind) instanceof ObjectNode fields)) {
            throw new ScopeRefusal("the _aliases action [" + kind + "] is not allowed through the gateway");
        }
        requireOnly(fields, ACTION_FIELDS, "the _aliases action");
        List<String> indices = strings(fields, "index", "indices");
        if (indices.isEmpty()) {
            throw new ScopeRefusal("each _aliases action needs [index] or [indices]");
        }
        // removing an index deletes it, which must be explicit as for DELETE /{index}
        WriteTargets targets = kind.equals("remove_index") ? WriteTargets.NAMES : WriteTargets.PATTERNS;
        // one expression, as Elasticsearch resolves the list: an exclusion may follow a wildcard given before it
        List<String> concrete = scoping.requireWritable(IndexExpression.parse(String.join(",", indices)), targets);
        if (!concrete.equals(indices)) { // a wildcard: forwarded as the concrete indices it reaches
            ArrayNode array = JsonBodies.MAPPER.createArrayNode();
            concrete.forEach(array::add);
            fields.replace(fields.has("index") ? "index" : "indices", array);
        }
        List<String> aliases = strings(fields, "alias", "aliases");
        if (kind.equals("remove_index")) {
            if (!aliases.isEmpty()) {
                throw new ScopeRefusal("a [remove_index] action takes no alias");
            }
            return;
        }
        if (aliases.isEmpty()) {
            throw new ScopeRefusal("each _aliases [" + kind + "] action needs [alias] or [aliases]");
        }
        for (String alias : aliases) {
            scoping.requireAliasNames(alias, kind.equals("remove"));
        }
        checkFilter(fields.get("filter"), scoping);
    }

    private static void checkDefinition(ObjectNode definition, IndexScoping scoping) {
        requireOnly(definition, DEFINITION_FIELDS, "an alias definition");
        checkFilter(definition.get("filter"), scoping);
    }

    private static void checkFilter(JsonNode filter, IndexScoping scoping) {
        if (filter != null) {
            new SearchBodyCheck(scoping).check(filter);
        }
    }

    /** A field given as one string or an array of strings, under either of its two names (not both). */
    private static List<String> strings(ObjectNode fields, String single, String plural) {
        if (fields.has(single) && fields.has(plural)) {
            throw new ScopeRefusal("give [" + single + "] or [" + plural + "], not both");
        }
        JsonNode value = fields.has(single) ? fields.get(single) : fields.get(plural);
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value.isTextual()) {
            out.add(value.asText());
            return out;
        }
        if (!value.isArray()) {
            throw new ScopeRefusal("[" + single + "] must be a string or an array of strings");
        }
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw new ScopeRefusal("[" + plural + "] must hold strings");
            }
            out.add(element.asText());
        }
        return out;
    }

    private static void requireOnly(ObjectNode object, Set<String> known, String where) {
        object.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw new ScopeRefusal("the field [" + name + "] of " + where + " is not allowed through the gateway");
            }
        });
    }
}
