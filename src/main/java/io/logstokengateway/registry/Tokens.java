package io.logstokengateway.registry;

import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.crypto.SecretBox;
import io.logstokengateway.crypto.TokenHasher;
import io.logstokengateway.crypto.TokenValues;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.registry.OperationRecord.OperationState;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A service's API tokens: creating them within the lifetime and count the configuration allows, listing them, opening
 * one's value for its owner, deleting them, and recording when they were last used. A token is stored under its lookup
 * hash with its value sealed. Each call is one transaction; a deletion records a revocation and applies it on this
 * node before returning. Blocking (database): call from a worker thread.
 */
@ApplicationScoped
public class Tokens {

    private static final Logger LOG = Logger.getLogger(Tokens.class);
    /** Column size of the migration (H2 counts it in UTF-16 code units, PostgreSQL in characters). */
    private static final int MAX_NAME = 128;

    private final Jdbc jdbc;
    private final SecretBox secretBox;
    private final TokenHasher tokenHasher;
    private final Operations operations;
    private final Optional<Duration> maxTtl;
    private final int maxTokensPerService;

    public Tokens(Jdbc jdbc, SecretBox secretBox, TokenHasher tokenHasher, Operations operations, GatewayConfig config) {
        this.jdbc = jdbc;
        this.secretBox = secretBox;
        this.tokenHasher = tokenHasher;
        this.operations = operations;
        this.maxTtl = config.tokens().maxTtl();
        this.maxTokensPerService = config.tokens().maxPerService();
    }

    public OperationRecord createToken(String serviceName, String name, String clusterId, Instant expiresAt) {
        Names.requireExistingName(serviceName);
        if (name == null || name.isBlank() || !Text.isPrintable(name) || name.length() > MAX_NAME) {
            throw GatewayError.invalid("name is required: 1 to " + MAX_NAME + " printable characters"
                    + " (no control, format or line-separator characters; a character beyond U+FFFF, such as most emoji, counts as two)");
        }
        if (clusterId != null && !Names.isName(clusterId)) {
            throw GatewayError.invalid("clusterId is not a valid identifier");
        }
        Instant now = Jdbc.now();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw GatewayError.invalid("expiresAt must be in the future");
        }
        if (maxTtl.isPresent()) {
            Instant latest = now.plus(maxTtl.get());
            if (expiresAt == null) {
                expiresAt = latest;
            } else if (expiresAt.isAfter(latest)) {
                throw GatewayError.invalid("expiresAt is beyond the longest token lifetime allowed here (" + maxTtl.get() + ")");
            }
        }
        String tokenId = UUID.randomUUID().toString();
        String value = TokenValues.generate();
        TokenRecord token = new TokenRecord(tokenId, serviceName, name, clusterId, tokenHasher.lookupHash(value),
                secretBox.encrypt(value, "token:" + tokenId), now, now, expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS), null);
        return jdbc.writingClientInput(c -> {
            ServiceStore.lock(c, serviceName).orElseThrow(() -> GatewayError.notFound("service " + serviceName));
            if (TokenStore.countOfService(c, serviceName) >= maxTokensPerService) {
                throw GatewayError.conflict("service " + serviceName + " already has "
                        + maxTokensPerService + " tokens, the most allowed: delete unused ones first");
            }
            TokenStore.insert(c, token);
            LOG.debugf("Token %s created for %s", tokenId, serviceName);
            return operations.record(c, serviceName, tokenId, "createToken", OperationState.SUCCESS, null, now);
        });
    }

    public List<String> tokenIds(String serviceName) {
        Names.requireExistingName(serviceName);
        return jdbc.inTransaction(c -> {
            Services.existing(c, serviceName);
            return TokenStore.ofService(c, serviceName).stream().map(TokenRecord::tokenId).toList();
        });
    }

    public TokenView token(String serviceName, String tokenId) {
        Names.requireExistingId("token", tokenId);
        Names.requireExistingName(serviceName);
        TokenRecord token = jdbc.inTransaction(c -> TokenStore.byId(c, serviceName, tokenId))
                .orElseThrow(() -> GatewayError.notFound("token " + tokenId));
        return new TokenView(token, secretBox.decrypt(token.valueSealed(), "token:" + token.tokenId()));
    }

    /** Deletes a token; this node refuses it before returning, the operation succeeds once every live node does. */
    public OperationRecord deleteToken(String serviceName, String tokenId) {
        Names.requireExistingId("token", tokenId);
        Names.requireExistingName(serviceName);
        Instant now = Jdbc.now();
        Revocation[] revocation = new Revocation[1];
        OperationRecord operation = jdbc.inTransaction(c -> {
            if (!TokenStore.delete(c, serviceName, tokenId)) {
                throw GatewayError.notFound("token " + tokenId);
            }
            revocation[0] = operations.revoke(c, Revocation.Kind.TOKEN, serviceName, tokenId);
            return operations.record(c, serviceName, tokenId, "deleteToken", OperationState.RUNNING, revocation[0].revocationId(), now);
        });
        return operations.applyHere(revocation[0], operation);
    }

    /** Records when tokens were last used; tokens deleted meanwhile are skipped. */
    public void recordTokenUse(Map<String, Instant> lastUse) {
        jdbc.inTransaction(c -> {
            TokenStore.recordUse(c, lastUse);
            return null;
        });
    }
}
