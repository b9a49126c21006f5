package io.logstokengateway.registry;

import io.logstokengateway.crypto.PasswordHasher;
import io.logstokengateway.crypto.SecretBox;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.registry.OperationRecord.OperationState;
import io.logstokengateway.registry.ServiceRecord.ServiceState;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Customers' services: creating, changing and deleting them from a {@link ServiceSpec}, with every rule on names,
 * index patterns and upstream credentials, and the account password (hashed) and upstream secrets (sealed) they hold.
 * Each call is one transaction; a change that may leave a credential cached somewhere (any update, a deletion, a new
 * password) records a revocation in it and applies it on this node once committed. Blocking (database, password
 * hashing): call from a worker thread.
 */
@ApplicationScoped
public class Services {

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
    private final PasswordHasher passwordHasher;
    private final Operations operations;

    public Services(Jdbc jdbc, SecretBox secretBox, PasswordHasher passwordHasher, Operations operations) {
        this.jdbc = jdbc;
        this.secretBox = secretBox;
        this.passwordHasher = passwordHasher;
        this.operations = operations;
    }

    public ServiceRecord createService(ServiceSpec spec) {
        Names.requireName("serviceName", spec.serviceName());
        Names.requireName("username", spec.username());
        if (spec.username().equalsIgnoreCase("token")) {
            throw GatewayError.invalid("username cannot be 'token'");
        }
        Instant now = Jdbc.now();
        ServiceRecord service = apply(new ServiceRecord(spec.serviceName(), spec.username(), null, ServiceState.ENABLED, null,
                null, null, ServiceRecord.defaultReadPatterns(spec.username()), ServiceRecord.defaultWritePatterns(spec.username()),
                null, null, null, now, now), spec, now);
        return jdbc.writingClientInput(c -> {
            if (ServiceStore.byName(c, spec.serviceName()).isPresent()) {
                throw GatewayError.conflict("service " + spec.serviceName() + " already exists");
            }
            if (ServiceStore.byUsername(c, spec.username()).isPresent()) {
                throw GatewayError.conflict("username " + spec.username() + " is already taken");
            }
            ServiceStore.insert(c, service);
            return service;
        });
    }

    public ServiceRecord updateService(String serviceName, ServiceSpec patch) {
        if (patch.serviceName() != null && !patch.serviceName().equals(serviceName) || patch.username() != null) {
            throw GatewayError.invalid("serviceName and username cannot be changed");
        }
        Names.requireExistingName(serviceName);
        Instant now = Jdbc.now();
        return revokingService(serviceName, c -> {
            ServiceRecord updated = apply(existing(c, serviceName), patch, now);
            ServiceStore.update(c, updated);
            return updated;
        });
    }

    public void deleteService(String serviceName) {
        Names.requireExistingName(serviceName);
        revokingService(serviceName, c -> {
            existing(c, serviceName);
            return ServiceStore.delete(c, serviceName);
        });
    }

    public List<ServiceRecord> services() {
        return jdbc.inTransaction(ServiceStore::all);
    }

    public Optional<ServiceRecord> service(String serviceName) {
        if (!Names.isName(serviceName)) {
            return Optional.empty();
        }
        return jdbc.inTransaction(c -> ServiceStore.byName(c, serviceName));
    }

    /** Sets the account password; the old one is refused everywhere once the operation reads SUCCESS. */
    public OperationRecord changePassword(String serviceName, String password) {
        Names.requireExistingName(serviceName);
        requirePassword(password);
        String hash = passwordHasher.hash(password);
        Instant now = Jdbc.now();
        Revocation[] revocation = new Revocation[1];
        OperationRecord operation = jdbc.writingClientInput(c -> {
            ServiceRecord s = existing(c, serviceName);
            ServiceStore.update(c, new ServiceRecord(s.serviceName(), s.username(), s.displayName(), s.state(), hash,
                    s.elasticsearchUsername(), s.elasticsearchPasswordSealed(), s.readPatterns(), s.writePatterns(),
                    s.graylogUsername(), s.graylogPasswordSealed(), s.graylogTokenSealed(), s.createdAt(), now));
            revocation[0] = operations.revoke(c, Revocation.Kind.SERVICE, serviceName, null);
            return operations.record(c, serviceName, null, "changePassword", OperationState.RUNNING, revocation[0].revocationId(), now);
        });
        return operations.applyHere(revocation[0], operation);
    }

    /** The service, read in the caller's transaction, or NOT_FOUND. */
    static ServiceRecord existing(Connection c, String serviceName) throws SQLException {
        return ServiceStore.byName(c, serviceName).orElseThrow(() -> GatewayError.notFound("service " + serviceName));
    }

    private <T> T revokingService(String serviceName, Jdbc.Work<T> work) {
        Instant now = Jdbc.now();
        Revocation[] revocation = new Revocation[1];
        T result = jdbc.writingClientInput(c -> {
            T done = work.run(c);
            revocation[0] = operations.revoke(c, Revocation.Kind.SERVICE, serviceName, null);
            return done;
        });
        operations.applyHere(revocation[0]);
        return result;
    }

    /** The service with every field given in the spec set (secrets hashed or sealed). */
    private ServiceRecord apply(ServiceRecord base, ServiceSpec spec, Instant now) {
        String context = UpstreamSecrets.sealingContext(base.serviceName());
        if (spec.password() != null) {
            requirePassword(spec.password());
        }
        if (spec.displayName() != null
                && (spec.displayName().isBlank() || !Text.isPrintable(spec.displayName()) || spec.displayName().length() > MAX_NAME)) {
            throw GatewayError.invalid("displayName must be 1 to " + MAX_NAME + " printable characters"
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

    private static void requirePassword(String password) {
        if (password == null || !PASSWORD.matcher(password).matches()) {
            throw GatewayError.invalid("password must be 12 to 256 printable characters");
        }
    }

    private static void requirePatterns(String field, List<String> patterns) {
        if (patterns != null && (patterns.isEmpty() || !patterns.stream().allMatch(p -> p != null && INDEX_PATTERN.matcher(p).matches()))) {
            throw GatewayError.invalid(field + " must be a non-empty list of index names or patterns");
        }
        if (patterns != null && String.join(",", patterns).length() > MAX_PATTERNS) {
            throw GatewayError.invalid(field + " may hold at most " + MAX_PATTERNS + " characters in all");
        }
    }

    /** An upstream Basic username: printable, without the ':' that would end it early, within its column. */
    private static void requireUpstreamUsername(String field, String username) {
        if (username != null && (username.isEmpty() || !Text.isPrintable(username) || username.indexOf(':') >= 0
                || username.length() > MAX_UPSTREAM_USERNAME)) {
            throw GatewayError.invalid(field + " must be 1 to " + MAX_UPSTREAM_USERNAME + " printable characters without ':'");
        }
    }

    /** An upstream password or token: no control character (it travels in a header), within its sealed column. */
    private static void requireUpstreamSecret(String field, String secret) {
        if (secret != null && (secret.isEmpty() || secret.chars().anyMatch(Character::isISOControl)
                || secret.getBytes(StandardCharsets.UTF_8).length > MAX_UPSTREAM_SECRET_BYTES)) {
            throw GatewayError.invalid(field + " must be 1 to " + MAX_UPSTREAM_SECRET_BYTES + " bytes without control characters");
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
