package io.logstokengateway.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /dbaas/logs/{serviceName}/token}. {@code expiresAt} is kept as text and parsed by
 * {@link IsoTimes} so that only an ISO-8601 date-time with offset is accepted (Jackson would also take epoch numbers).
 */
@Schema(name = "TokenCreation")
public record CreateTokenRequest(
        @Schema(required = true, minLength = 1, maxLength = 128, description = "What the token is for") String name,
        @Schema(description = "Optional cluster identifier, kept for OVHcloud compatibility") String clusterId,
        @Schema(format = "date-time", description = "Optional expiry, ISO-8601 with offset, in the future") String expiresAt) {
}
