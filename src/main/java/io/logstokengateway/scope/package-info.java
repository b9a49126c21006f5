/**
 * Index scoping of the search API: which indices a service's token may read and write, decided per request by
 * {@link io.logstokengateway.scope.ScopeRules#decide}, without I/O.
 *
 * <p>The model. A service has read patterns and write patterns ({@code *} globs). Every request is one of:
 * <ul>
 *   <li>an allowlisted cluster-level read (root, cluster health, node info, {@code _xpack}, {@code _license},
 *       cluster settings, {@code _cat/health}, scroll, point-in-time and async-search continuation), forwarded as is;</li>
 *   <li>a read, whose index expression is narrowed: names and date math must fall within a read pattern, a wildcard
 *       within one is kept, {@code _all}, an absent index and a wildcard wider than some patterns become those
 *       patterns, exclusions are kept after a wildcard; listings ({@code _cat/indices}, {@code _resolve/index},
 *       {@code _mapping}, {@code _stats}, ...) are narrowed the same way, so no other tenant's name is shown;</li>
 *   <li>a write, whose targets must be named within the write patterns (never narrowed);</li>
 *   <li>a refusal, for everything else: deny by default.</li>
 * </ul>
 * Bodies that can name indices ({@code _msearch} headers, {@code _mget} and {@code _bulk} entries, terms lookups
 * and the like in search bodies, reindex, templates, index definitions) are checked by a
 * {@link io.logstokengateway.scope.BodyRule} before the request is forwarded.
 *
 * <p>The proof behind narrowing is inclusion between globs ({@link io.logstokengateway.scope.IndexPatterns}), so a
 * tenant whose name is a prefix of another's ({@code logs-aa-00001} and {@code logs-aa-000010}) is kept apart as
 * long as patterns end in a separator ({@code logs-aa-00001-a-*}).
 */
package io.logstokengateway.scope;
