package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.IndexPart.OPTIONAL;
import static io.logstokengateway.scope.Route.IndexPart.REQUIRED;
import static io.logstokengateway.scope.Route.route;

import io.logstokengateway.scope.IndexDefinitionRules.Kind;
import io.logstokengateway.scope.IndexScoping.WriteTargets;
import java.util.List;

/**
 * Writes, only within the write patterns and never narrowed: a write names its targets. Document writes, bulk
 * defaults and new indices take one index; index deletion takes explicit names; operations over existing indices
 * (refresh, flush, mappings, settings, delete and update by query) also take wildcards that stay within the write
 * patterns. Aliases are managed within the write patterns ({@link AliasRules}).
 */
final class WriteRoutes {

    private WriteRoutes() {
    }

    static List<Route> routes() {
        return List.of(
                route("POST", REQUIRED, "_doc", WriteRoutes::oneIndex),
                route("PUT POST", REQUIRED, "_doc/*", WriteRoutes::oneIndex),
                route("PUT POST", REQUIRED, "_create/*", WriteRoutes::oneIndex),
                route("POST", REQUIRED, "_update/*", WriteRoutes::oneIndex),
                route("DELETE", REQUIRED, "_doc/*", WriteRoutes::oneIndex),
                route("PUT POST", OPTIONAL, "_bulk", WriteRoutes::bulk),
                route("PUT", REQUIRED, "", WriteRoutes::createIndex),
                route("DELETE", REQUIRED, "", (request, scoping) -> forwardWritable(request, scoping, WriteTargets.NAMES)),
                route("PUT POST", REQUIRED, "_mapping", (request, scoping) -> checkedWritable(request, scoping,
                        IndexDefinitionRules.of(Kind.MAPPING, scoping))),
                route("PUT", REQUIRED, "_settings", (request, scoping) -> checkedWritable(request, scoping,
                        IndexDefinitionRules.of(Kind.SETTINGS, scoping))),
                route("GET POST", REQUIRED, "_refresh", WriteRoutes::patterns),
                route("GET POST", REQUIRED, "_flush", WriteRoutes::patterns),
                route("POST", REQUIRED, "_delete_by_query", WriteRoutes::byQuery),
                route("POST", REQUIRED, "_update_by_query", WriteRoutes::byQuery),
                route("POST", NONE, "_reindex", (request, scoping) ->
                        new Decision.ForwardCheckedBody(request.pathAndQuery(), new ReindexRule(scoping))),
                route("POST", NONE, "_aliases", AliasRules::actions),
                route("PUT POST", REQUIRED, "_alias/*", AliasRules::put),
                route("PUT POST", REQUIRED, "_aliases/*", AliasRules::put),
                route("DELETE", REQUIRED, "_alias/*", AliasRules::delete),
                route("DELETE", REQUIRED, "_aliases/*", AliasRules::delete));
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

    private static Decision bulk(SearchApiRequest request, IndexScoping scoping) {
        request.index().ifPresent(index -> scoping.requireWritable(index, WriteTargets.ONE));
        return new Decision.ForwardCheckedBody(request.pathAndQuery(),
                new BulkRule(scoping, request.index().isPresent()));
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
