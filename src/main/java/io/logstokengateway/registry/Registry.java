package io.logstokengateway.registry;

import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.crypto.PasswordHasher;
import io.logstokengateway.crypto.SecretBox;
import io.logstokengateway.crypto.TokenHasher;
import io.logstokengateway.crypto.TokenValues;
import io.logstokengateway.registry.OperationRecord.OperationState;
import io.logstokengateway.registry.ServiceRecord.ServiceState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The rules of services, tokens and operations, shared by the token API, the admin API and the console.
 * Every method blocks on the database: call it from a worker thread.
 */
@ApplicationScoped
public class Registry {

    private static final Logger LOG = Logger.getLogger(Registry.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern PASSWORD = Pattern.compile("[^\\p{Cntrl}]{12,256}");
    private static final Pattern INDEX_PATTERN = Pattern.compile("[^\\s,\"\\\\/]{1,255}");
    /** Column sizes of the migration (H2 counts them in UTF-16 code units, PostgreSQL in characters). */
    private static final int MAX_NAME = 128;
    private static final int MAX_UPSTREAM_USERNAME = 256;
    private static final int MAX_PATTERNS = 4096;
    /** Upstream passwords and tokens, in UTF-8 bytes: sealed (nonce, tag, base64) they fit the 1024 of the column. */
    private static final int MAX_UPSTREAM_SECRET_BYTES = 512;

    private final Jdbc jdbc;
    private final SecretBox secretBox;
    private final TokenHasher tokenHasher;
    private final PasswordHasher passwordHasher;
    private final ClusterNode node;
    private final Event<Revocation> revocations;
    private final Clock clock;
    private final String decoyHash;
    private final Optional<Duration> maxTtl;
    private final int maxTokensPerService;

    public Registry(Jdbc jdbc, SecretBox secretBox, TokenHasher tokenHasher, PasswordHasher passwordHasher,
                    ClusterNode node, Event<Revocation> revocations, GatewayConfig config) {
        this.maxTtl = config.tokens().maxTtl();
        this.maxTokensPerService = config.tokens().maxPerService();
        this.jdbc = jdbc;
        this.secretBox = secretBox;
        this.tokenHasher = tokenHasher;
        this.passwordHasher = passwordHasher;
        this.node = node;
        this.revocations = revocations;
        this.clock = Clock.systemUTC();
        this.decoyHash = passwordHasher.hash(TokenValues.generate());
    }

    // ---- services -------------------------------------------------------------------------------------------

    public ServiceRecord createService(ServiceSpec spec) {
        requireName("serviceName", spec.serviceName());
        requireName("username", spec.username());
        if (spec.username().equalsIgnoreCase("token")) {
            throw RegistryException.badRequest("username cannot be 'token'");
        }
        Instant now = now();
        ServiceRecord service = apply(new ServiceRecord(spec.serviceName(), spec.username(), null, ServiceState.ENABLED, null,
                null, null, ServiceRecord.defaultReadPatterns(spec.username()), ServiceRecord.defaultWritePatterns(spec.username()),
                null, null, null, now, now), spec, now);
        return writing(c -> {
            if (ServiceStore.byName(c, spec.serviceName()).isPresent()) {
                throw new RegistryException(RegistryException.Reason.CONFLICT, "service " + spec.serviceName() + " already exists");
            }
            if (ServiceStore.byUsername(c, spec.username()).isPresent()) {
                throw new RegistryException(RegistryException.Reason.CONFLICT, "username " + spec.username() + " is already taken");
            }
            ServiceStore.insert(c, service);
            return service;
        });
    }

    public ServiceRecord updateService(String serviceName, ServiceSpec patch) {
        if (patch.serviceName() != null && !patch.serviceName().equals(serviceName) || patch.username() != null) {
            throw RegistryException.badRequest("serviceName and username cannot be changed");
        }
        requireExistingName(serviceName);
        Instant now = now();
        return revokingService(serviceName, c -> {
            ServiceRecord updated = apply(service(c, serviceName), patch, now);
            ServiceStore.update(c, updated);
            return updated;
        });
    }

    public void deleteService(String serviceName) {
        requireExistingName(serviceName);
        revokingService(serviceName, c -> {
            service(c, serviceName);
            return ServiceStore.delete(c, serviceName);
        });
    }

    public List<ServiceRecord> services() {
        return jdbc.inTransaction(ServiceStore::all);
    }

    public Optional<ServiceRecord> service(String serviceName) {
        if (!isName(serviceName)) {
            return Optional.empty();
        }
        return jdbc.inTransaction(c -> ServiceStore.byName(c, serviceName));
    }

    public OperationRecord changePassword(String serviceName, String password) {
        requireExistingName(serviceName);
        requirePassword(password);
        String hash = passwordHasher.hash(password);
        Instant now = now();
        Revocation[] revocation = new Revocation[1];
        OperationRecord operation = writing(c -> {
            ServiceRecord s = service(c, serviceName);
            ServiceStore.update(c, new ServiceRecord(s.serviceName(), s.username(), s.displayName(), s.state(), hash,
                    s.elasticsearchUsername(), s.elasticsearchPasswordSealed(), s.readPatterns(), s.writePatterns(),
                    s.graylogUsername(), s.graylogPasswordSealed(), s.graylogTokenSealed(), s.createdAt(), now));
            revocation[0] = revoke(c, Revocation.Kind.SERVICE, serviceName, null, now);
            return insertOperation(c, serviceName, null, "changePassword", OperationState.RUNNING, revocation[0].revocationId(), now);
        });
        revocations.fire(revocation[0]);
        node.completeOperations(); // the old password is refused everywhere once the operation reads SUCCESS
        return operation(serviceName, operation.operationId());
    }

    // ---- tokens ---------------------------------------------------------------------------------------------

    public OperationRecord createToken(String serviceName, String name, String clusterId, Instant expiresAt) {
        requireExistingName(serviceName);
        if (name == null || name.isBlank() || !Text.isPrintable(name) || name.length() > MAX_NAME) {
            throw RegistryException.badRequest("name is required: 1 to " + MAX_NAME + " printable characters"
                    + " (no control, format or line-separator characters; a character beyond U+FFFF, such as most emoji, counts as two)");
        }
        if (clusterId != null && !NAME.matcher(clusterId).matches()) {
            throw RegistryException.badRequest("clusterId is not a valid identifier");
        }
        Instant now = now();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw RegistryException.badRequest("expiresAt must be in the future");
        }
        if (maxTtl.isPresent()) {
            Instant latest = now.plus(maxTtl.get());
            if (expiresAt == null) {
                expiresAt = latest;
            } else if (expiresAt.isAfter(latest)) {
                throw RegistryException.badRequest("expiresAt is beyond the longest token lifetime allowed here (" + maxTtl.get() + ")");
            }
        }
        String tokenId = UUID.randomUUID().toString();
        String value = TokenValues.generate();
        TokenRecord token = new TokenRecord(tokenId, serviceName, name, clusterId, tokenHasher.lookupHash(value),
                secretBox.encrypt(value, "token:" + tokenId), now, now, expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS), null);
        return writing(c -> {
            ServiceStore.lock(c, serviceName).orElseThrow(() -> RegistryException.notFound("service " + serviceName));
            if (TokenStore.countOfService(c, serviceName) >= maxTokensPerService) {
                throw new RegistryException(RegistryException.Reason.CONFLICT, "service " + serviceName + " already has "
                        + maxTokensPerService + " tokens, the most allowed: delete unused ones first");
            }
            TokenStore.insert(c, token);
            LOG.debugf("Token %s created for %s", tokenId, serviceName);
            return insertOperation(c, serviceName, tokenId, "createToken", OperationState.SUCCESS, null, now);
        });
    }

    public List<String> tokenIds(String serviceName) {
        requireExistingName(serviceName);
        return jdbc.inTransaction(c -> {
            service(c, serviceName);
            return TokenStore.ofService(c, serviceName).stream().map(TokenRecord::tokenId).toList();
        });
    }

    public TokenView token(String serviceName, String tokenId) {
        requireExistingId("token", tokenId);
        requireExistingName(serviceName);
        TokenRecord token = jdbc.inTransaction(c -> TokenStore.byId(c, serviceName, tokenId))
                .orElseThrow(() -> RegistryException.notFound("token " + tokenId));
        return new TokenView(token, secretBox.decrypt(token.valueSealed(), "token:" + token.tokenId()));
    }

    /** Deletes a token; this node refuses it before returning, the operation succeeds once every live node does. */
    public OperationRecord deleteToken(String serviceName, String tokenId) {
        requireExistingId("token", tokenId);
        requireExistingName(serviceName);
        Instant now = now();
        Revocation[] revocation = new Revocation[1];
        OperationRecord operation = jdbc.inTransaction(c -> {
            if (!TokenStore.delete(c, serviceName, tokenId)) {
                throw RegistryException.notFound("token " + tokenId);
            }
            revocation[0] = revoke(c, Revocation.Kind.TOKEN, serviceName, tokenId, now);
            return insertOperation(c, serviceName, tokenId, "deleteToken", OperationState.RUNNING, revocation[0].revocationId(), now);
        });
        revocations.fire(revocation[0]);
        node.completeOperations();
        return operation(serviceName, operation.operationId());
    }

    /** Records when tokens were last used; tokens deleted meanwhile are skipped. */
    public void recordTokenUse(Map<String, Instant> lastUse) {
        jdbc.inTransaction(c -> {
            TokenStore.recordUse(c, lastUse);
            return null;
        });
    }

    // ---- operations -----------------------------------------------------------------------------------------

    public List<String> operationIds(String serviceName) {
        requireExistingName(serviceName);
        return jdbc.inTransaction(c -> {
            service(c, serviceName);
            return OperationStore.ofService(c, serviceName).stream().map(OperationRecord::operationId).toList();
        });
    }

    public OperationRecord operation(String serviceName, String operationId) {
        requireExistingId("operation", operationId);
        requireExistingName(serviceName);
        return jdbc.inTransaction(c -> OperationStore.byId(c, serviceName, operationId))
                .orElseThrow(() -> RegistryException.notFound("operation " + operationId));
    }

    // ---- authentication -------------------------------------------------------------------------------------

    /** The enabled service owning this unexpired token, or empty. */
    public Optional<ResolvedCredential> resolveToken(String value) {
        String hash = tokenHasher.lookupHash(value);
        Instant now = now();
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
        // A username no service can have is not looked up (PostgreSQL refuses some characters, such as NUL, outright).
        Optional<ServiceRecord> service = isName(username) ? jdbc.inTransaction(c -> ServiceStore.byUsername(c, username)) : Optional.empty();
        // Hash even when there is nothing to compare with, so timing does not tell which usernames exist.
        boolean matches = passwordHasher.matches(password, service.map(ServiceRecord::passwordHash).orElse(decoyHash));
        return service
                .filter(s -> matches && s.passwordHash() != null && s.state() == ServiceState.ENABLED)
                .map(s -> new ResolvedCredential(s, null, null, open(s)));
    }

    // ---- internals ------------------------------------------------------------------------------------------

    private <T> T revokingService(String serviceName, Jdbc.Work<T> work) {
        Instant now = now();
        Revocation[] revocation = new Revocation[1];
        T result = writing(c -> {
            T done = work.run(c);
            revocation[0] = revoke(c, Revocation.Kind.SERVICE, serviceName, null, now);
            return done;
        });
        revocations.fire(revocation[0]);
        return result;
    }

    /** Records a revocation, already applied by this node (the caller fires it once the transaction commits). */
    private Revocation revoke(Connection c, Revocation.Kind kind, String serviceName, String tokenId, Instant now) throws SQLException {
        long id = RevocationStore.insert(c, kind, serviceName, tokenId);
        RevocationStore.acknowledge(c, id, node.nodeId());
        return new Revocation(id, kind, serviceName, tokenId);
    }

    private UpstreamSecrets open(ServiceRecord s) {
        String context = "service:" + s.serviceName();
        return new UpstreamSecrets(s.elasticsearchUsername(), secretBox.decrypt(s.elasticsearchPasswordSealed(), context),
                s.graylogUsername(), secretBox.decrypt(s.graylogPasswordSealed(), context),
                secretBox.decrypt(s.graylogTokenSealed(), context));
    }

    /** The service with every field given in the spec set (secrets hashed or sealed). */
    private ServiceRecord apply(ServiceRecord base, ServiceSpec spec, Instant now) {
        String context = "service:" + base.serviceName();
        if (spec.password() != null) {
            requirePassword(spec.password());
        }
        if (spec.displayName() != null
                && (spec.displayName().isBlank() || !Text.isPrintable(spec.displayName()) || spec.displayName().length() > MAX_NAME)) {
            throw RegistryException.badRequest("displayName must be 1 to " + MAX_NAME + " printable characters"
                    + " (no control, format or line-separator characters; a character beyond U+FFFF, such as most emoji, counts as two)");
        }
        requireUpstreamUsername("elasticsearch.username", spec.elasticsearchUsername());
        requireUpstreamUsername("graylog.username", spec.graylogUsername());
        requireUpstreamSecret("elasticsearch.password", spec.elasticsearchPassword());
        requireUpstreamSecret("graylog.password", spec.graylogPassword());
        requireUpstreamSecret("graylog.token", spec.graylogToken());
        requirePatterns("readPatterns", spec.readPatterns());
        requirePatterns("writePatterns", spec.writePatterns());
        return new ServiceRecord(base.serviceName(), base.username(),
                or(spec.displayName(), base.displayName()),
                spec.state() != null ? spec.state() : base.state(),
                spec.password() != null ? passwordHasher.hash(spec.password()) : base.passwordHash(),
                or(spec.elasticsearchUsername(), base.elasticsearchUsername()),
                spec.elasticsearchPassword() != null ? secretBox.encrypt(spec.elasticsearchPassword(), context) : base.elasticsearchPasswordSealed(),
                spec.readPatterns() != null ? List.copyOf(spec.readPatterns()) : base.readPatterns(),
                spec.writePatterns() != null ? List.copyOf(spec.writePatterns()) : base.writePatterns(),
                or(spec.graylogUsername(), base.graylogUsername()),
                spec.graylogPassword() != null ? secretBox.encrypt(spec.graylogPassword(), context) : base.graylogPasswordSealed(),
                spec.graylogToken() != null ? secretBox.encrypt(spec.graylogToken(), context) : base.graylogTokenSealed(),
                base.createdAt(), now);
    }

    private static ServiceRecord service(Connection c, String serviceName) throws SQLException {
        return ServiceStore.byName(c, serviceName).orElseThrow(() -> RegistryException.notFound("service " + serviceName));
    }

    private OperationRecord insertOperation(Connection c, String serviceName, String tokenId, String action,
                                            OperationState state, Long revocationId, Instant now) throws SQLException {
        OperationRecord operation = new OperationRecord(UUID.randomUUID().toString(), serviceName, tokenId, action, state,
                revocationId, now, now);
        OperationStore.insert(c, operation);
        return operation;
    }

    private static void requireName(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw RegistryException.badRequest(field + " is required: 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }

    private static void requirePassword(String password) {
        if (password == null || !PASSWORD.matcher(password).matches()) {
            throw RegistryException.badRequest("password must be 12 to 256 printable characters");
        }
    }

    private static void requirePatterns(String field, List<String> patterns) {
        if (patterns != null && (patterns.isEmpty() || !patterns.stream().allMatch(p -> p != null && INDEX_PATTERN.matcher(p).matches()))) {
            throw RegistryException.badRequest(field + " must be a non-empty list of index names or patterns");
        }
        if (patterns != null && String.join(",", patterns).length() > MAX_PATTERNS) {
            throw RegistryException.badRequest(field + " may hold at most " + MAX_PATTERNS + " characters in all");
        }
    }

    /** An upstream Basic username: printable, without the ':' that would end it early, within its column. */
    private static void requireUpstreamUsername(String field, String username) {
        if (username != null && (username.isEmpty() || !Text.isPrintable(username) || username.indexOf(':') >= 0
                || username.length() > MAX_UPSTREAM_USERNAME)) {
            throw RegistryException.badRequest(field + " must be 1 to " + MAX_UPSTREAM_USERNAME + " printable characters without ':'");
        }
    }

    /** An upstream password or token: no control character (it travels in a header), within its sealed column. */
    private static void requireUpstreamSecret(String field, String secret) {
        if (secret != null && (secret.isEmpty() || secret.chars().anyMatch(Character::isISOControl)
                || secret.getBytes(StandardCharsets.UTF_8).length > MAX_UPSTREAM_SECRET_BYTES)) {
            throw RegistryException.badRequest(field + " must be 1 to " + MAX_UPSTREAM_SECRET_BYTES + " bytes without control characters");
        }
    }

    /** Whether a value has the shape of a service name or a username (what the registry accepts as one). */
    public static boolean isName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    /** A service name no service can have (the API passes path segments as they come) does not exist. */
    private static void requireExistingName(String serviceName) {
        if (!isName(serviceName)) {
            throw RegistryException.notFound("service " + serviceName);
        }
    }

    /** Ids are UUIDs: anything else does not exist, and is not looked up. */
    private static void requireExistingId(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw RegistryException.notFound(what + " " + id);
        }
    }

    /**
     * A write of client input. The checks above should leave nothing the database refuses; should one slip
     * through (a value too long or malformed, a duplicate written meanwhile), it is still the client's mistake,
     * answered 400 or 409 rather than reported as an unavailable registry.
     */
    private <T> T writing(Jdbc.Work<T> work) {
        try {
            return jdbc.inTransaction(work);
        } catch (RegistryUnavailableException e) {
            String state = e.getCause() instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                LOG.warnf("The registry database refused a value from a request (SQLState %s): answered as the client's mistake", state);
                throw state.startsWith("22")
                        ? RegistryException.badRequest("A value does not fit the registry (too long or malformed)")
                        : new RegistryException(RegistryException.Reason.CONFLICT, "This conflicts with the registry's current state; read it again");
            }
            throw e;
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private Instant now() {
        // Microseconds: what both databases keep, so a value read back equals the value written.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
