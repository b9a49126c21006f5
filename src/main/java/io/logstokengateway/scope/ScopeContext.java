package io.logstokengateway.scope;

/**
 * Everything a scoping decision depends on besides the request: the service, its patterns, the cluster's indices
 * as last read, the sealing of search context ids, and the capacity limits.
 *
 * @param catalogIsCurrent  whether {@code catalog} was read after the request arrived (then a name it does not know
 *                          does not exist; otherwise such a name sends the request back for a newer catalog)
 * @param indicesChanging   called when the request, once done, will have created, deleted or re-pointed indices or
 *                          aliases: what the catalog says is then out of date
 */
public record ScopeContext(String service, ServiceScope scope, IndexCatalog catalog, boolean catalogIsCurrent,
                           SearchContexts contexts, ScopeLimits limits, Runnable indicesChanging) {

    /** A context whose requests' changes nobody needs to hear of (tests of the rules alone). */
    public ScopeContext(String service, ServiceScope scope, IndexCatalog catalog, boolean catalogIsCurrent,
                        SearchContexts contexts, ScopeLimits limits) {
        this(service, scope, catalog, catalogIsCurrent, contexts, limits, () -> { });
    }
}
