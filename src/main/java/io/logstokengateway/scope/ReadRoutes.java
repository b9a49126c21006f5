package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.IndexPart.OPTIONAL;
import static io.logstokengateway.scope.Route.IndexPart.REQUIRED;
import static io.logstokengateway.scope.Route.route;

import java.util.List;
import java.util.Optional;

/**
 * Reads. Those with an index expression in the path, or none, are narrowed to the read patterns, so the caller
 * sees exactly its own indices and no other tenant's names; single-document reads need one readable index; bodies
 * that can name other indices are checked before forwarding.
 */
final class ReadRoutes {

    private ReadRoutes() {
    }

    static List<Route> routes() {
        return List.of(
                route("GET POST", OPTIONAL, "_search", ReadRoutes::search),
                route("POST", OPTIONAL, "_async_search", ReadRoutes::search),
                route("GET POST", OPTIONAL, "_count", ReadRoutes::narrowedWithBody),
                route("GET POST", OPTIONAL, "_field_caps", ReadRoutes::narrowedWithBody),
                route("GET POST", OPTIONAL, "_validate/query", ReadRoutes::narrowedWithBody),
                route("GET POST", OPTIONAL, "_msearch", ReadRoutes::multiSearch),
                route("GET POST", OPTIONAL, "_mget", ReadRoutes::multiDocument),
                route("GET POST", OPTIONAL, "_mtermvectors", ReadRoutes::multiDocument),
                route("GET", REQUIRED, "", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_mapping", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_mapping/field/*", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_settings", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_settings/*", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_alias", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_alias/*", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_aliases", ReadRoutes::aliasesNarrowed),
                route("GET", OPTIONAL, "_stats", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_stats/*", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_segments", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_recovery", ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_shard_stores", ReadRoutes::narrowed),
                route("POST", REQUIRED, "_pit", ReadRoutes::narrowedWithBody),
                route("POST", REQUIRED, "_search/point_in_time", ReadRoutes::narrowed),
                route("GET", REQUIRED, "_doc/*", ReadRoutes::singleDocument),
                route("GET", REQUIRED, "_source/*", ReadRoutes::singleDocument),
                route("GET POST", REQUIRED, "_explain/*", ReadRoutes::singleDocumentWithBody),
                route("GET POST", REQUIRED, "_termvectors", ReadRoutes::singleDocumentWithBody),
                route("GET POST", REQUIRED, "_termvectors/*", ReadRoutes::singleDocumentWithBody),
                route("GET", NONE, "_resolve/index/*", (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/indices", (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/indices/*", (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/count", (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/count/*", (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/shards", (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/shards/*", (request, scoping) -> listing(request, scoping, 2)),
                // alias names, narrowed by the same patterns: aliases the service may read carry names it may read
                route("GET", NONE, "_cat/aliases", (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/aliases/*", (request, scoping) -> listing(request, scoping, 2)));
    }

    private static Decision narrowed(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.Forward(request.pathAndQuery(scoping.narrowForRead(request.index())));
    }

    /** {@code GET /_aliases} has no per-index form in OpenSearch: the narrowed request asks {@code /{indices}/_alias}. */
    private static Decision aliasesNarrowed(SearchApiRequest request, IndexScoping scoping) {
        SearchApiRequest asAlias = new SearchApiRequest(request.method(), request.rawPath(), request.index(), List.of("_alias"),
                List.of("_alias"), request.query(), request.rawQuery());
        return new Decision.Forward(asAlias.pathAndQuery(scoping.narrowForRead(request.index())));
    }

    private static Decision narrowedWithBody(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.ForwardCheckedBody(request.pathAndQuery(scoping.narrowForRead(request.index())),
                SearchBodyRule.plain(scoping));
    }

    /** An index-less search may turn out to search a point in time, which must keep its index-less path. */
    private static Decision search(SearchApiRequest request, IndexScoping scoping) {
        String narrowedPath = request.pathAndQuery(scoping.narrowForRead(request.index()));
        BodyRule rule = request.index().isPresent()
                ? SearchBodyRule.plain(scoping)
                : SearchBodyRule.pointInTimeAware(scoping, request.pathAndQuery());
        return new Decision.ForwardCheckedBody(narrowedPath, rule);
    }

    private static Decision multiSearch(SearchApiRequest request, IndexScoping scoping) {
        Optional<List<String>> pathIndices = request.index().map(index -> scoping.narrowForRead(Optional.of(index)));
        String path = pathIndices.map(request::pathAndQuery).orElseGet(request::pathAndQuery);
        return new Decision.ForwardCheckedBody(path, new MultiSearchRule(scoping, pathIndices));
    }

    /** {@code _mget}, {@code _mtermvectors}: the path's index is the default for documents that name none. */
    private static Decision multiDocument(SearchApiRequest request, IndexScoping scoping) {
        request.index().ifPresent(scoping::requireReadableSingle);
        return new Decision.ForwardCheckedBody(request.pathAndQuery(), SearchBodyRule.plain(scoping));
    }

    private static Decision singleDocument(SearchApiRequest request, IndexScoping scoping) {
        scoping.requireReadableSingle(request.requiredIndex());
        return new Decision.Forward(request.pathAndQuery());
    }

    private static Decision singleDocumentWithBody(SearchApiRequest request, IndexScoping scoping) {
        scoping.requireReadableSingle(request.requiredIndex());
        return new Decision.ForwardCheckedBody(request.pathAndQuery(), SearchBodyRule.plain(scoping));
    }

    /** {@code _cat/indices[/expr]}, {@code _resolve/index/expr}: the listed expression is narrowed like a read. */
    private static Decision listing(SearchApiRequest request, IndexScoping scoping, int position) {
        Optional<IndexExpression> listed = request.endpoint().size() > position
                ? ClusterRoutes.indexAt(request, position)
                : Optional.empty();
        return new Decision.Forward(request.pathAndQueryWithSegment(position, scoping.narrowForRead(listed)));
    }
}
