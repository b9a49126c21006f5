package io.logstokengateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.logstokengateway.registry.TokenRecord;
import io.logstokengateway.registry.TokenView;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** A token with its value, for its owner ({@code GET /dbaas/logs/{serviceName}/token/{tokenId}}). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Token")
public record TokenDetails(
        String tokenId,
        String name,
        String value,
        String clusterId,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Instant lastUsedAt) {

    static TokenDetails of(TokenView view) {
        TokenRecord token = view.token();
        return new TokenDetails(token.tokenId(), token.name(), view.value(), token.clusterId(), token.createdAt(),
                token.updatedAt(), token.expiresAt(), token.lastUsedAt());
    }

    @Override
    public String toString() {
        return "TokenDetails[" + tokenId + "]"; // never the value, should this ever be logged
    }
}
