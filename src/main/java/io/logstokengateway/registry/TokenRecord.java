package io.logstokengateway.registry;

import java.time.Instant;

/** An API token as stored: only its keyed hash and its sealed value. */
public record TokenRecord(
        String tokenId,
        String serviceName,
        String name,
        String clusterId,
        String lookupHash,
        String valueSealed,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Instant lastUsedAt) {

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
