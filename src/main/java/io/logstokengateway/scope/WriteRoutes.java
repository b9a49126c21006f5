package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.IndexPart.OPTIONAL;
import static io.logstokengateway.scope.Route.IndexPart.REQUIRED;
import static io.logstokengateway.scope.Route.route;

import io.logstokengateway.scope.IndexDefinitionRules.Kind;
import io.logstokengateway.scope.IndexScoping.WriteTargets;
import java.util.List;

/**
 * Writes, only within the write patterns: a write names its targets. Document writes, bulk defaults and new
 * indices take one index (or an alias whose every index is within the write patterns); index deletion takes
 * explicit names; operations over existing indices (refresh, flush, mappings, settings, delete and update by query)
 * also take wildcards, forwarded as the concrete indices they reach. Aliases are managed within the write patterns
 * ({@link AliasRules}); new indices count against the service's limit and respect the shard and replica limits.
 */
final class WriteRoutes {

    private WriteRoutes() {
    }

    static List<Route> routes() {
        return List.of(
                route("POST", REQUIRED, "_doc", Parameters.INDEX_DOCUMENT, WriteRoutes::oneIndex),
                route("PUT POST", REQUIRED, "_doc/*", Parameters.INDEX_DOCUMENT, WriteRoutes::oneIndex),
                route("PUT POST", REQUIRED, "_create/*", Parameters.CREATE_DOCUMENT, WriteRoutes::oneIndex),
                route("POST", REQUIRED, "_update/*", Parameters.UPDATE_DOCUMENT, WriteRoutes::oneIndex),
                route("DELETE", REQUIRED, "_doc/*", Parameters.DELETE_DOCUMENT, WriteRoutes::oneIndex),
                route("PUT POST", OPTIONAL, "_bulk", Parameters.BULK, WriteRoutes::bulk),
                route("PUT", REQUIRED, "", Parameters.CREATE_INDEX, WriteRoutes::createIndex),
                route("DELETE", REQUIRED, "", Parameters.DELETE_INDEX, WriteRoutes::deleteIndex),
                route("PUT POST", REQUIRED, "_mapping", Parameters.PUT_MAPPING, (request, scoping) ->
                        checkedWritable(request, scoping, IndexDefinitionRules.of(Kind.MAPPING, scoping))),
                route("PUT", REQUIRED, "_settings", Parameters.PUT_SETTINGS, (request, scoping) ->
                        checkedWritable(request, scoping, IndexDefinitionRules.of(Kind.SETTINGS, scoping))),
                route("GET POST", REQUIRED, "_refresh", Parameters.REFRESH, WriteRoutes::patterns),
                route("GET POST", REQUIRED, "_flush", Parameters.FLUSH, WriteRoutes::patterns),
                route("POST", REQUIRED, "_delete_by_query", Parameters.DELETE_BY_QUERY, WriteRoutes::byQuery),
                route("POST", REQUIRED, "_update_by_query", Parameters.UPDATE_BY_QUERY, WriteRoutes::byQuery),
                route("POST", NONE, "_reindex", Parameters.REINDEX, (request, scoping) ->
                        new Decision.ForwardCheckedBody(request.pathAndQuery(), new ReindexRule(scoping))),
                route("POST", NONE, "_aliases", Parameters.ALIASES, AliasRules::actions),
                route("PUT POST", REQUIRED, "_alias/*", Parameters.ALIASES, AliasRules::put),
                route("PUT POST", REQUIRED, "_aliases/*", Parameters.ALIASES, AliasRules::put),
                route("DELETE", REQUIRED, "_alias/*", Parameters.ALIASES, AliasRules::delete),
                route("DELETE", REQUIRED, "_aliases/*", Parameters.ALIASES, AliasRules::delete));
    }

    private static Decision oneIndex(SearchApiRequest request, IndexScoping scoping) {
        return forwardWritable(request, scoping, WriteTargets.ONE);
    }

    private static Decision patterns(SearchApiRequest request, IndexScoping scoping) {
        return forwardWritable(request, scoping, WriteTargets.PATTERNS);
    }

    private static Decision forwardWritable(SearchApiRequest request, IndexScoping scoping, WriteTargets targets) {
        return new Decision.Forward(request.pathAndQuery(scoping.requireWritable(request.requiredIndex(), targets)));
    }

    private static Decision checkedWritable(SearchApiRequest request, IndexScoping scoping, BodyRule rule) {
        List<String> targets = scoping.requireWritable(request.requiredIndex(), WriteTargets.PATTERNS);
        return new Decision.ForwardCheckedBody(request.pathAndQuery(targets), rule);
    }

    private static Decision deleteIndex(SearchApiRequest request, IndexScoping scoping) {
        Decision decision = forwardWritable(request, scoping, WriteTargets.NAMES);
        scoping.indicesChange();
        return decision;
    }

    /** A line rule keeps the state of one body: its decision is never reused. */
    private static Decision bulk(SearchApiRequest request, IndexScoping scoping) {
        scoping.notReusable();
        request.index().ifPresent(index -> scoping.requireWritable(index, WriteTargets.ONE));
        return new Decision.ForwardCheckedLines(request.pathAndQuery(), new BulkLines(scoping, request.index().isPresent()));
    }

    private static Decision createIndex(SearchApiRequest request, IndexScoping scoping) {
        List<String> target = scoping.requireWritable(request.requiredIndex(), WriteTargets.ONE);
        return new Decision.ForwardCheckedBody(request.pathAndQuery(target),
                IndexDefinitionRules.of(Kind.CREATE_INDEX, scoping));
    }

    /** The query is checked like a search's; the targets are writes. */
    private static Decision byQuery(SearchApiRequest request, IndexScoping scoping) {
        return checkedWritable(request, scoping, SearchBodyRule.plain(scoping));
    }
}
