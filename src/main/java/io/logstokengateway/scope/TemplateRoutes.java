package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.route;

import io.logstokengateway.scope.IndexDefinitionRules.Kind;
import java.util.List;

/**
 * Index, legacy and component templates. A template's name must fall within the write patterns, like an index of
 * the service (otherwise one tenant could overwrite or delete another's template by name), and its index patterns
 * too (otherwise it would shape another tenant's new indices). Listing all templates is narrowed to those names.
 */
final class TemplateRoutes {

    private TemplateRoutes() {
    }

    static List<Route> routes() {
        return List.of(
                route("GET", NONE, "_index_template", Parameters.GET_INDEX_TEMPLATE, TemplateRoutes::listOnePattern),
                route("GET", NONE, "_component_template", Parameters.GET_INDEX_TEMPLATE, TemplateRoutes::listOnePattern),
                route("GET", NONE, "_template", Parameters.GET_TEMPLATE, (request, scoping) -> new Decision.Forward(
                        request.pathAndQueryWithSegment(1, scoping.writePatterns()))),
                route("GET", NONE, "_index_template/*", Parameters.GET_INDEX_TEMPLATE, TemplateRoutes::named),
                route("GET", NONE, "_component_template/*", Parameters.GET_INDEX_TEMPLATE, TemplateRoutes::named),
                route("GET", NONE, "_template/*", Parameters.GET_TEMPLATE, TemplateRoutes::named),
                route("DELETE", NONE, "_index_template/*", Parameters.DELETE_TEMPLATE, TemplateRoutes::named),
                route("DELETE", NONE, "_component_template/*", Parameters.DELETE_TEMPLATE, TemplateRoutes::named),
                route("DELETE", NONE, "_template/*", Parameters.DELETE_TEMPLATE, TemplateRoutes::named),
                route("PUT POST", NONE, "_index_template/*", Parameters.PUT_INDEX_TEMPLATE, (request, scoping) ->
                        put(request, scoping, Kind.INDEX_TEMPLATE)),
                route("PUT POST", NONE, "_component_template/*", Parameters.PUT_COMPONENT_TEMPLATE, (request, scoping) ->
                        put(request, scoping, Kind.COMPONENT_TEMPLATE)),
                route("PUT POST", NONE, "_template/*", Parameters.PUT_TEMPLATE, (request, scoping) ->
                        put(request, scoping, Kind.LEGACY_TEMPLATE)));
    }

    /** Composable and component template reads take a single name pattern, so only one write pattern can list. */
    private static Decision listOnePattern(SearchApiRequest request, IndexScoping scoping) {
        if (scoping.writePatterns().size() != 1) {
            throw new ScopeRefusal("list templates by name through the gateway: "
                    + request.rawPath() + "/<a pattern within your write patterns>");
        }
        return new Decision.Forward(request.pathAndQueryWithSegment(1, scoping.writePatterns()));
    }

    /** Reads and deletions by name or wildcard, within the owned names. */
    private static Decision named(SearchApiRequest request, IndexScoping scoping) {
        scoping.requireOwnedNames(IndexExpression.parse(request.segment(1)), true);
        return new Decision.Forward(request.pathAndQuery());
    }

    private static Decision put(SearchApiRequest request, IndexScoping scoping, Kind kind) {
        scoping.requireOwnedNames(IndexExpression.parse(request.segment(1)), false);
        return new Decision.ForwardCheckedBody(request.pathAndQuery(), IndexDefinitionRules.of(kind, scoping));
    }
}
