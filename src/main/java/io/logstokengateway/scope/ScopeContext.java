package io.logstokengateway.scope;

/**
 * Everything a scoping decision depends on besides the request: the service, its patterns, the cluster's indices
 * as last read, the sealing of search context ids, and the capacity limits.
 *
 * @param catalogIsCurrent whether {@code catalog} was read after the request arrived (then a name it does not know
 *                         does not exist; otherwise such a name sends the request back for a newer catalog)
 */
public record ScopeContext(String service, ServiceScope scope, IndexCatalog catalog, boolean catalogIsCurrent,
                           SearchContexts contexts, ScopeLimits limits) {
}
