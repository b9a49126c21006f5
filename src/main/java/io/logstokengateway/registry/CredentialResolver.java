package io.logstokengateway.registry;

import io.logstokengateway.crypto.PasswordHasher;
import io.logstokengateway.crypto.SecretBox;
import io.logstokengateway.crypto.TokenHasher;
import io.logstokengateway.crypto.TokenValues;
import io.logstokengateway.registry.ServiceRecord.ServiceState;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;

/**
 * What the authenticator asks the registry: which enabled service a presented token or account belongs to, with that
 * service's upstream secrets opened for the request. Never refuses with an exception: an unknown, expired or wrong
 * credential is empty, whatever was wrong with it. Read-only, one short transaction per call; blocking (database,
 * and for an account a password hash, made even when the username is unknown so timing tells nothing): call from a
 * worker thread.
 */
@ApplicationScoped
public class CredentialResolver {

    private final Jdbc jdbc;
    private final SecretBox secretBox;
    private final TokenHasher tokenHasher;
    private final PasswordHasher passwordHasher;
    private final String decoyHash;

    public CredentialResolver(Jdbc jdbc, SecretBox secretBox, TokenHasher tokenHasher, PasswordHasher passwordHasher) {
        this.jdbc = jdbc;
        this.secretBox = secretBox;
        this.tokenHasher = tokenHasher;
        this.passwordHasher = passwordHasher;
        this.decoyHash = passwordHasher.hash(TokenValues.generate());
    }

    /** The enabled service owning this unexpired token, or empty. */
    public Optional<ResolvedCredential> resolveToken(String value) {
        String hash = tokenHasher.lookupHash(value);
        Instant now = Jdbc.now();
        return jdbc.inTransaction(c -> {
            Optional<TokenRecord> token = TokenStore.byLookupHash(c, hash);
            if (token.isEmpty() || token.get().expiredAt(now)) {
                return Optional.<ResolvedCredential>empty();
            }
            return ServiceStore.byName(c, token.get().serviceName())
                    .filter(s -> s.state() == ServiceState.ENABLED)
                    .map(s -> new ResolvedCredential(s, token.get().tokenId(), token.get().expiresAt(), open(s)));
        });
    }

    /** The enabled service whose account this is, or empty. Slow (password hash). */
    public Optional<ResolvedCredential> resolveAccount(String username, String password) {
        Optional<ServiceRecord> service = Names.isName(username) ? jdbc.inTransaction(c -> ServiceStore.byUsername(c, username)) : Optional.empty();
        // Hash even when there is nothing to compare with, so timing does not tell which usernames exist.
        boolean matches = passwordHasher.matches(password, service.map(ServiceRecord::passwordHash).orElse(decoyHash));
        return service
                .filter(s -> matches && s.passwordHash() != null && s.state() == ServiceState.ENABLED)
                .map(s -> new ResolvedCredential(s, null, null, open(s)));
    }

    private UpstreamSecrets open(ServiceRecord s) {
        String context = UpstreamSecrets.sealingContext(s.serviceName());
        return new UpstreamSecrets(s.elasticsearchUsername(), secretBox.decrypt(s.elasticsearchPasswordSealed(), context),
                s.graylogUsername(), secretBox.decrypt(s.graylogPasswordSealed(), context),
                secretBox.decrypt(s.graylogTokenSealed(), context));
    }
}
