package io.logstokengateway.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.Credentials;
import io.logstokengateway.auth.GuessThrottle;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Authenticates callers of the management API and the console from their {@code Authorization} header. Blocking (an
 * account check hashes the password): call it from a worker thread.
 * <ul>
 * <li>{@code Bearer <gateway.admin.key>}: the operator;</li>
 * <li>Basic with a service's account credentials: that service;</li>
 * <li>an API token, in any form: refused, so that a leaked token cannot mint more tokens;</li>
 * <li>anything else: refused.</li>
 * </ul>
 * Every key and password check goes through the {@link GuessThrottle} first; refusals are written to the audit log
 * with the client's address and the username presented, never the secret.
 */
@ApplicationScoped
public class ApiCallers {

    /** The management API's own listener name, in the audit log and the metrics. */
    public static final String MANAGEMENT = "management";
    /** Long enough for a polling script not to pay an Argon2 check per call, short enough to notice a changed password on another node. */
    private static final Duration ACCOUNT_CACHE_TTL = Duration.ofSeconds(60);
    private static final int ACCOUNT_CACHE_SIZE = 10_000;

    private final Registry registry;
    private final AuditLog audit;
    private final GuessThrottle throttle;
    private final Optional<byte[]> operatorKeyDigest;
    /** SHA-256 of an accepted header → its service: the password itself is never kept in memory. */
    private final Cache<String, String> acceptedAccounts;
    /** Checks under way, by header digest: the same credentials sent in parallel are checked (and charged) once. */
    private final ConcurrentHashMap<String, CompletableFuture<ApiCaller>> checking = new ConcurrentHashMap<>();
    /** Bumped by every revocation, so a check that raced one is answered but not remembered. */
    private final AtomicLong revocationGeneration = new AtomicLong();

    public ApiCallers(Registry registry, AuditLog audit, GuessThrottle throttle, GatewayConfig config) {
        this.registry = registry;
        this.audit = audit;
        this.throttle = throttle;
        this.operatorKeyDigest = config.admin().key().filter(key -> !key.isBlank()).map(ApiCallers::sha256);
        this.acceptedAccounts = Caffeine.newBuilder().maximumSize(ACCOUNT_CACHE_SIZE).expireAfterWrite(ACCOUNT_CACHE_TTL).build();
    }

    /**
     * The caller, or a 401 (no or bad credentials) or a 429 (too many failed checks from this client or for this
     * username: nothing was checked). {@code listener} and {@code client} (its address) name the attempt.
     */
    public ApiCaller authenticate(String authorization, String listener, String client) {
        if (authorization == null || authorization.isBlank()) {
            throw failed(listener, client, null);
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return operator(authorization, listener, client);
        }
        Credentials credentials = Credentials.parse(authorization).orElse(null);
        if (!(credentials instanceof Credentials.Account account)) {
            throw failed(listener, client, null); // malformed, or an API token, which never manages tokens
        }
        return account(authorization, account, listener, client);
    }

    /** The operator, or a 401 (no or bad credentials), a 403 (a service's account) or a 429. */
    public ApiCaller requireOperator(String authorization, String client) {
        ApiCaller caller = authenticate(authorization, MANAGEMENT, client);
        if (!caller.operator()) {
            throw ApiException.forbidden("The admin API requires the operator key");
        }
        return caller;
    }

    /**
     * The caller, when it may act on this service. A service the caller may not see is answered exactly like one
     * that does not exist (404, same message as the registry's), so that the API is no oracle of service names.
     */
    public ApiCaller requireService(String authorization, String client, String serviceName) {
        ApiCaller caller = authenticate(authorization, MANAGEMENT, client);
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

    /** Any Bearer value here is a try at the operator key (API tokens are refused anyway): throttled per address. */
    private ApiCaller operator(String authorization, String listener, String client) {
        admit(listener, client, null);
        if (isOperatorKey(authorization)) {
            throttle.refund(client, null);
            return ApiCaller.OPERATOR;
        }
        throw failed(listener, client, null);
    }

    private ApiCaller account(String authorization, Credentials.Account account, String listener, String client) {
        String cacheKey = HexFormat.of().formatHex(sha256(authorization));
        String known = acceptedAccounts.getIfPresent(cacheKey);
        if (known != null) {
            // No check is made, yet a throttled client must not tell a right guess from a wrong one.
            throttle.check(listener, client, account.username())
                    .ifPresent(wait -> { throw throttled(listener, client, account.username(), wait); });
            return ApiCaller.account(known);
        }
        CompletableFuture<ApiCaller> mine = new CompletableFuture<>();
        CompletableFuture<ApiCaller> running = checking.putIfAbsent(cacheKey, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw (RuntimeException) e.getCause();
            }
        }
        try {
            ApiCaller caller = check(cacheKey, account, listener, client);
            mine.complete(caller);
            return caller;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            checking.remove(cacheKey, mine);
        }
    }

    /** The password check itself, charged to the throttle first and refunded when right (or not made after all). */
    private ApiCaller check(String cacheKey, Credentials.Account account, String listener, String client) {
        admit(listener, client, account.username());
        long generation = revocationGeneration.get();
        Optional<String> serviceName;
        try {
            serviceName = registry.resolveAccount(account.username(), account.password()).map(resolved -> resolved.service().serviceName());
        } catch (RuntimeException e) {
            throttle.refund(client, account.username());
            throw e;
        }
        if (serviceName.isEmpty()) {
            throw failed(listener, client, account.username());
        }
        throttle.refund(client, account.username());
        if (generation == revocationGeneration.get()) {
            acceptedAccounts.put(cacheKey, serviceName.get());
        }
        return ApiCaller.account(serviceName.get());
    }

    private void admit(String listener, String client, String username) {
        throttle.admit(listener, client, username).ifPresent(wait -> {
            throw throttled(listener, client, username, wait);
        });
    }

    private ApiException failed(String listener, String client, String username) {
        audit.clientEvent("auth.failed", client, AuditLog.attempt(listener, client, username));
        return ApiException.unauthorized();
    }

    private ApiException throttled(String listener, String client, String username, Duration wait) {
        long seconds = GuessThrottle.retryAfterSeconds(wait);
        Map<String, Object> details = new LinkedHashMap<>(AuditLog.attempt(listener, client, username));
        details.put("retryAfter", seconds);
        audit.clientEvent("auth.throttled", client, details);
        return ApiException.throttled(seconds);
    }

    private boolean isOperatorKey(String authorization) {
        if (operatorKeyDigest.isEmpty()) {
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
