package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.IndexPart.OPTIONAL;
import static io.logstokengateway.scope.Route.IndexPart.REQUIRED;
import static io.logstokengateway.scope.Route.route;

import io.logstokengateway.scope.IndexScoping.Expansion;
import java.util.List;
import java.util.Optional;

/**
 * Reads. Those with an index expression in the path, or none, are narrowed to the concrete indices the service may
 * read, so the caller sees exactly its own indices and no other tenant's names; single-document reads need one
 * readable index or alias; bodies that can name other indices are checked before forwarding; listings that show
 * alias names are filtered ({@link AliasListings}). Searches with a scroll or a point in time have their ids sealed
 * ({@link SearchContextRoutes}).
 */
final class ReadRoutes {

    private ReadRoutes() {
    }

    static List<Route> routes() {
        return List.of(
                route("GET POST", OPTIONAL, "_search", Parameters.SEARCH, ReadRoutes::search),
                route("POST", OPTIONAL, "_async_search", Parameters.ASYNC_SEARCH, SearchContextRoutes::submitAsyncSearch),
                route("GET POST", OPTIONAL, "_count", Parameters.COUNT, ReadRoutes::narrowedWithBody),
                route("GET POST", OPTIONAL, "_field_caps", Parameters.FIELD_CAPS, ReadRoutes::narrowedWithBody),
                route("GET POST", OPTIONAL, "_validate/query", Parameters.VALIDATE_QUERY, ReadRoutes::narrowedWithBody),
                route("GET POST", OPTIONAL, "_msearch", Parameters.MSEARCH, ReadRoutes::multiSearch),
                route("GET POST", OPTIONAL, "_mget", Parameters.MGET, ReadRoutes::multiDocument),
                route("GET POST", OPTIONAL, "_mtermvectors", Parameters.MTERMVECTORS, ReadRoutes::multiDocument),
                route("GET", REQUIRED, "", Parameters.GET_INDEX, (request, scoping) -> aliasListing(request, scoping)),
                route("GET", OPTIONAL, "_mapping", Parameters.GET_MAPPING, ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_mapping/field/*", Parameters.GET_FIELD_MAPPING, ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_settings", Parameters.GET_SETTINGS, ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_settings/*", Parameters.GET_SETTINGS, ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_alias", Parameters.GET_ALIAS, ReadRoutes::aliasListing),
                route("GET", OPTIONAL, "_alias/*", Parameters.GET_ALIAS, ReadRoutes::aliasListing),
                route("GET", OPTIONAL, "_aliases", Parameters.GET_ALIAS, ReadRoutes::aliasesListing),
                route("GET", OPTIONAL, "_stats", Parameters.STATS, ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_stats/*", Parameters.STATS, ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_segments", Parameters.SEGMENTS, ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_recovery", Parameters.RECOVERY, ReadRoutes::narrowed),
                route("GET", OPTIONAL, "_shard_stores", Parameters.SHARD_STORES, ReadRoutes::narrowed),
                route("GET", REQUIRED, "_doc/*", Parameters.GET_DOCUMENT, ReadRoutes::singleDocument),
                route("GET", REQUIRED, "_source/*", Parameters.GET_SOURCE, ReadRoutes::singleDocument),
                route("GET POST", REQUIRED, "_explain/*", Parameters.EXPLAIN, ReadRoutes::singleDocumentWithBody),
                route("GET POST", REQUIRED, "_termvectors", Parameters.TERMVECTORS, ReadRoutes::singleDocumentWithBody),
                route("GET POST", REQUIRED, "_termvectors/*", Parameters.TERMVECTORS, ReadRoutes::singleDocumentWithBody),
                route("GET", NONE, "_resolve/index/*", Parameters.RESOLVE_INDEX, ReadRoutes::resolveIndex),
                route("GET", NONE, "_cat/indices", Parameters.CAT_INDICES, (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/indices/*", Parameters.CAT_INDICES, (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/count", Parameters.CAT_COUNT, (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/count/*", Parameters.CAT_COUNT, (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/shards", Parameters.CAT_SHARDS, (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/shards/*", Parameters.CAT_SHARDS, (request, scoping) -> listing(request, scoping, 2)),
                route("GET", NONE, "_cat/aliases", Parameters.CAT_ALIASES, ReadRoutes::catAliases),
                route("GET", NONE, "_cat/aliases/*", Parameters.CAT_ALIASES, ReadRoutes::catAliases));
    }

    /** The concrete indices the path's expression reaches (every readable index when it has none). */
    static List<String> narrowedIndices(SearchApiRequest request, IndexScoping scoping) {
        return scoping.narrowForRead(request.index(), Expansion.of(request.query()));
    }

    private static Decision narrowed(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.Forward(request.pathAndQuery(narrowedIndices(request, scoping)));
    }

    /** {@code GET /{index}}, {@code GET /{index}/_alias[/{names}]}: other services' alias names are filtered out. */
    private static Decision aliasListing(SearchApiRequest request, IndexScoping scoping) {
        if (request.endpoint().size() == 2) {
            IndexExpression.parse(request.segment(1)); // alias names: refused when malformed, as an index expression is
        }
        return new Decision.Forward(request.pathAndQuery(narrowedIndices(request, scoping)), AliasListings.byIndex(scoping));
    }

    /** {@code GET /_aliases} has no per-index form in OpenSearch: the narrowed request asks {@code /{indices}/_alias}. */
    private static Decision aliasesListing(SearchApiRequest request, IndexScoping scoping) {
        SearchApiRequest asAlias = new SearchApiRequest(request.method(), request.rawPath(), request.index(), List.of("_alias"),
                List.of("_alias"), request.query());
        return aliasListing(asAlias, scoping);
    }

    private static Decision narrowedWithBody(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.ForwardCheckedBody(request.pathAndQuery(narrowedIndices(request, scoping)),
                SearchBodyRule.plain(scoping));
    }

    /** A search, whose body may search a point in time and whose answer may carry a scroll id. */
    private static Decision search(SearchApiRequest request, IndexScoping scoping) {
        return SearchContextRoutes.search(request, scoping, narrowedIndices(request, scoping));
    }

    /** A line rule keeps the state of one body: its decision is never reused. */
    private static Decision multiSearch(SearchApiRequest request, IndexScoping scoping) {
        scoping.notReusable();
        Optional<List<String>> pathIndices = request.index().map(index -> narrowedIndices(request, scoping));
        String path = pathIndices.map(request::pathAndQuery).orElseGet(request::pathAndQuery);
        return new Decision.ForwardCheckedLines(path, new MultiSearchLines(scoping, pathIndices, Expansion.of(request.query())));
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

    /** {@code _cat/indices[/expr]}, {@code _cat/count}, {@code _cat/shards}: the listed expression is narrowed like a read. */
    private static Decision listing(SearchApiRequest request, IndexScoping scoping, int position) {
        return new Decision.Forward(request.pathAndQueryWithSegment(position,
                scoping.narrowForRead(listed(request, position), Expansion.of(request.query()))));
    }

    /** {@code _resolve/index/{expr}}: readable indices and aliases by name, and the answer filtered of others' aliases. */
    private static Decision resolveIndex(SearchApiRequest request, IndexScoping scoping) {
        List<String> names = scoping.narrowForListing(listed(request, 2), Expansion.of(request.query()));
        return new Decision.Forward(request.pathAndQueryWithSegment(2, names), AliasListings.resolved(scoping));
    }

    /** {@code _cat/aliases[/names]}: only aliases within the read patterns whose every index is readable. */
    private static Decision catAliases(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.Forward(request.pathAndQueryWithSegment(2, scoping.readableAliases(listed(request, 2))));
    }

    private static Optional<IndexExpression> listed(SearchApiRequest request, int position) {
        return request.endpoint().size() > position ? ClusterRoutes.indexAt(request, position) : Optional.empty();
    }
}
