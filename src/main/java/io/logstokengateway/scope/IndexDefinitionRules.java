package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bodies that define indices: index creation, settings updates, and index, legacy and component templates. Some
 * things in them reach beyond the service's own indices: an index's aliases are checked as {@link AliasRules} checks
 * them; aliases in templates are refused (a template's alias names may hold placeholders such as {@code {index}},
 * resolved only when an index is created); and ingest pipelines set as {@code default_pipeline} or {@code final_pipeline}
 * (a pipeline can send documents to any index). So are mapping features that make stored queries or fields read
 * elsewhere ({@code percolator} fields, {@code lookup} runtime fields, {@code target_index}) and analysis files read
 * from the node ({@code synonyms_path} and the like). A template's index patterns must stay within the write patterns.
 * Shards and replicas are bounded ({@link ScopeLimits}): one tenant must not use up the cluster's shard limit, which
 * every tenant's index creation depends on; so is the upper bound of {@code auto_expand_replicas}.
 */
final class IndexDefinitionRules {

    /** Which definition a body is. */
    enum Kind {
        CREATE_INDEX, MAPPING, SETTINGS, INDEX_TEMPLATE, LEGACY_TEMPLATE, COMPONENT_TEMPLATE
    }

    private IndexDefinitionRules() {
    }

    static BodyRule of(Kind kind, IndexScoping scoping) {
        return body -> JsonBodies.verdict(body, bytes -> {
            Optional<ObjectNode> definition = JsonBodies.optionalObject(bytes);
            if (definition.isEmpty() && kind != Kind.CREATE_INDEX) {
                throw new ScopeRefusal("this request needs a body");
            }
            definition.ifPresent(object -> check(kind, object, scoping));
            return new BodyVerdict.Accept(bytes);
        });
    }

    private static void check(Kind kind, ObjectNode definition, IndexScoping scoping) {
        refuseReachingSettings(definition, false, scoping.limits());
        switch (kind) {
            case CREATE_INDEX -> AliasRules.checkIndexAliases(definition.get("aliases"), scoping);
            case LEGACY_TEMPLATE -> refuseAliases(definition.get("aliases"));
            case INDEX_TEMPLATE, COMPONENT_TEMPLATE -> refuseAliases(definition.path("template").get("aliases"));
            case MAPPING, SETTINGS -> {
            }
        }
        if (kind == Kind.INDEX_TEMPLATE || kind == Kind.LEGACY_TEMPLATE) {
            checkIndexPatterns(definition, scoping);
        }
        if (kind == Kind.INDEX_TEMPLATE && definition.has("composed_of")) {
            checkComposedOf(definition.get("composed_of"), scoping);
        }
    }

    private static void requireWithinCapacity(String key, String last, JsonNode value, ScopeLimits limits) {
        switch (last) {
            case "number_of_shards", "number_of_routing_shards" -> requireAtMost(key, value, limits.maxShardsPerIndex(), "shards");
            case "number_of_replicas" -> requireAtMost(key, value, limits.maxReplicas(), "replicas");
            case "auto_expand_replicas" -> {
                // "0-1", "1-3", "0-all" or false: the upper bound is what it can take
                String range = value.asText().strip();
                if (!range.equals("false")) {
                    int dash = range.indexOf('-');
                    String upper = dash < 0 ? range : range.substring(dash + 1);
                    if (upper.equals("all")) {
                        throw new ScopeRefusal("the setting [" + key + "] may not expand to [all] nodes through the gateway");
                    }
                    requireAtMost(key, JsonBodies.MAPPER.getNodeFactory().textNode(upper), limits.maxReplicas(), "replicas");
                }
            }
            default -> {
            }
        }
    }

    private static void requireAtMost(String key, JsonNode value, int most, String what) {
        long count;
        try {
            count = Long.parseLong(value.asText().strip());
        } catch (NumberFormatException e) {
            throw ScopeRefusal.malformed("the setting [" + key + "] must be a number");
        }
        if (count > most) {
            throw new ScopeRefusal("the setting [" + key + "] asks for " + count + " " + what
                    + "; an index may have at most " + most + " through the gateway");
        }
    }

    private static void refuseAliases(JsonNode aliases) {
        if (aliases != null && !(aliases.isObject() && aliases.isEmpty())) {
            throw new ScopeRefusal("aliases in templates are not allowed through the gateway; remove [aliases] from the body");
        }
    }

    /** Pipelines, percolator and lookup fields, analysis files, shard counts: nested or flat, anywhere in the body. */
    private static void refuseReachingSettings(JsonNode node, boolean inAnalysis, ScopeLimits limits) {
        if (node.isArray()) {
            node.forEach(element -> refuseReachingSettings(element, inAnalysis, limits));
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            String last = key.substring(key.lastIndexOf('.') + 1);
            boolean analysis = inAnalysis || last.equals("analysis") || key.contains("analysis.");
            if (last.equals("default_pipeline") || last.equals("final_pipeline") || last.equals("target_index")
                    || (analysis && last.endsWith("_path"))) {
                throw new ScopeRefusal("the setting [" + key + "] is not allowed through the gateway");
            }
            JsonNode value = field.getValue();
            if (last.equals("type") && (value.asText().equals("percolator") || value.asText().equals("lookup"))) {
                throw new ScopeRefusal("[" + value.asText() + "] fields are not allowed through the gateway");
            }
            if (value.isValueNode()) {
                requireWithinCapacity(key, last, value, limits);
            }
            refuseReachingSettings(value, analysis, limits);
        }
    }

    /** {@code index_patterns} (a string or an array), or a legacy template's older {@code template} string. */
    private static void checkIndexPatterns(ObjectNode definition, IndexScoping scoping) {
        JsonNode patterns = definition.has("index_patterns") ? definition.get("index_patterns") : definition.get("template");
        if (patterns == null || patterns.isObject()) {
            throw new ScopeRefusal("a template needs [index_patterns] within the indices this token may write");
        }
        if (definition.has("index_patterns") && definition.path("template").isTextual()) {
            throw new ScopeRefusal("a template may not have both [index_patterns] and [template] patterns");
        }
        Iterable<JsonNode> list = patterns.isArray() ? patterns : List.of(patterns);
        if (!list.iterator().hasNext()) {
            throw new ScopeRefusal("a template needs at least one index pattern");
        }
        for (JsonNode pattern : list) {
            if (!pattern.isTextual()) {
                throw new ScopeRefusal("a template's index patterns must be strings");
            }
            scoping.requireTemplatePattern(pattern.asText());
        }
    }

    /** Component templates used by an index template must be the service's own: others' may hold anything. */
    private static void checkComposedOf(JsonNode composedOf, IndexScoping scoping) {
        if (!composedOf.isArray()) {
            throw new ScopeRefusal("[composed_of] must be an array of names");
        }
        for (JsonNode name : composedOf) {
            if (!name.isTextual()) {
                throw new ScopeRefusal("[composed_of] must be an array of names");
            }
            scoping.requireOwnedNames(IndexExpression.parse(name.asText()), false);
        }
    }
}
