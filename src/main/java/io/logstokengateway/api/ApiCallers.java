package io.logstokengateway.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.Credentials;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.registry.Registry;
import io.logstokengateway.registry.Revocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Authenticates callers of the management API from their {@code Authorization} header. Blocking (an account check
 * hashes the password): call it from a worker thread.
 * <ul>
 * <li>{@code Bearer <gateway.admin.key>}: the operator;</li>
 * <li>Basic with a service's account credentials: that service;</li>
 * <li>an API token, in any form: refused, so that a leaked token cannot mint more tokens;</li>
 * <li>anything else: refused.</li>
 * </ul>
 */
@ApplicationScoped
public class ApiCallers {

    /** Long enough for a polling script not to pay an Argon2 check per call, short enough to notice a changed password on another node. */
    private static final Duration ACCOUNT_CACHE_TTL = Duration.ofSeconds(60);
    private static final int ACCOUNT_CACHE_SIZE = 10_000;

    private final Registry registry;
    private final AuditLog audit;
    private final Optional<byte[]> operatorKeyDigest;
    /** SHA-256 of an accepted header → its service: the password itself is never kept in memory. */
    private final Cache<String, String> acceptedAccounts;
    /** Bumped by every revocation, so a check that raced one is answered but not remembered. */
    private final AtomicLong revocationGeneration = new AtomicLong();

    public ApiCallers(Registry registry, AuditLog audit, GatewayConfig config) {
        this.registry = registry;
        this.audit = audit;
        this.operatorKeyDigest = config.admin().key().filter(key -> !key.isBlank()).map(ApiCallers::sha256);
        this.acceptedAccounts = Caffeine.newBuilder().maximumSize(ACCOUNT_CACHE_SIZE).expireAfterWrite(ACCOUNT_CACHE_TTL).build();
    }

    /** The caller, or a 401 (written to the audit log, rate-limited). */
    public ApiCaller authenticate(String authorization) {
        try {
            return identify(authorization);
        } catch (ApiException refused) {
            audit.clientEvent("auth.failed", null, AuditLog.attempt("management", null, null));
            throw refused;
        }
    }

    private ApiCaller identify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiException.unauthorized();
        }
        if (isOperatorKey(authorization)) {
            return ApiCaller.OPERATOR;
        }
        Credentials credentials = Credentials.parse(authorization).orElseThrow(ApiException::unauthorized);
        if (!(credentials instanceof Credentials.Account account)) {
            throw ApiException.unauthorized(); // an API token never manages tokens
        }
        String cacheKey = HexFormat.of().formatHex(sha256(authorization));
        String known = acceptedAccounts.getIfPresent(cacheKey);
        if (known != null) {
            return ApiCaller.account(known);
        }
        long generation = revocationGeneration.get();
        String serviceName = registry.resolveAccount(account.username(), account.password())
                .map(resolved -> resolved.service().serviceName())
                .orElseThrow(ApiException::unauthorized);
        if (generation == revocationGeneration.get()) {
            acceptedAccounts.put(cacheKey, serviceName);
        }
        return ApiCaller.account(serviceName);
    }

    /** The operator, or a 401 (no or bad credentials) or a 403 (a service's account). */
    public ApiCaller requireOperator(String authorization) {
        ApiCaller caller = authenticate(authorization);
        if (!caller.operator()) {
            throw ApiException.forbidden("The admin API requires the operator key");
        }
        return caller;
    }

    /**
     * The caller, when it may act on this service. A service the caller may not see is answered exactly like one
     * that does not exist (404, same message as the registry's), so that the API is no oracle of service names.
     */
    public ApiCaller requireService(String authorization, String serviceName) {
        ApiCaller caller = authenticate(authorization);
        if (!caller.maySee(serviceName)) {
            throw ApiException.notFound("service " + serviceName + " does not exist");
        }
        return caller;
    }

    /** A service changed (password, state) or went away: its accounts must be checked again on the next call. */
    void forget(@Observes Revocation revocation) {
        revocationGeneration.incrementAndGet();
        if (revocation.kind() == Revocation.Kind.SERVICE) {
            acceptedAccounts.asMap().values().removeIf(revocation.serviceName()::equals);
        }
    }

    private boolean isOperatorKey(String authorization) {
        if (operatorKeyDigest.isEmpty() || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Digests first: equal lengths, and isEqual compares in constant time.
        return MessageDigest.isEqual(operatorKeyDigest.get(), sha256(authorization.substring(7).trim()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
