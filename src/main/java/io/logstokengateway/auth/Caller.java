package io.logstokengateway.auth;

import io.logstokengateway.registry.UpstreamSecrets;
import io.logstokengateway.scope.ServiceScope;

import java.time.Instant;

/** An authenticated client: a service, through one of its tokens ({@code tokenId} set) or its own account. */
public record Caller(String serviceName, String username, String tokenId, Instant expiresAt, UpstreamSecrets upstream,
                     ServiceScope scope) {

    public boolean viaToken() {
        return tokenId != null;
    }

    boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
