package io.logstokengateway.registry;

import java.time.Instant;

/** Who a presented credential belongs to: a service, through one of its tokens ({@code tokenId} set) or its account. */
public record ResolvedCredential(ServiceRecord service, String tokenId, Instant expiresAt, UpstreamSecrets upstream) {
}
