package io.logstokengateway.scope;

/**
 * What one service may take of the cluster's capacity, so that it cannot use up what every tenant shares (the
 * cluster's shard limit above all), and how much work one request may ask of the rules.
 *
 * @param maxShardsPerIndex    primary shards of an index the service creates or templates
 * @param maxReplicas          replicas of such an index
 * @param maxIndicesPerService indices the service may hold (within its write patterns)
 * @param maxIndexNames        names in one index expression (path, header or body field)
 * @param maxQueryParameters   parameters in one query string
 * @param maxBodyLines         lines of an NDJSON body
 */
public record ScopeLimits(int maxShardsPerIndex, int maxReplicas, int maxIndicesPerService, int maxIndexNames,
                          int maxQueryParameters, int maxBodyLines) {

    /** The documented defaults. */
    public static final ScopeLimits DEFAULTS = new ScopeLimits(5, 2, 1000, 1000, 64, 1_000_000);
}
