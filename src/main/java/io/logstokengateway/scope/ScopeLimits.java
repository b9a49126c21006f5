package io.logstokengateway.scope;

/**
 * What one service may take of the cluster's capacity, so that it cannot use up what every tenant shares (the
 * cluster's shard limit above all).
 *
 * @param maxShardsPerIndex    primary shards of an index the service creates or templates
 * @param maxReplicas          replicas of such an index
 * @param maxIndicesPerService indices the service may hold (within its write patterns)
 */
public record ScopeLimits(int maxShardsPerIndex, int maxReplicas, int maxIndicesPerService) {

    /** The documented defaults. */
    public static final ScopeLimits DEFAULTS = new ScopeLimits(5, 2, 1000);
}
