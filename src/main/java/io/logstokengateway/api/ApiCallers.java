package io.logstokengateway.api;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.auth.Credentials;
import io.logstokengateway.auth.GuessThrottle;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.error.GatewayError;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates callers of the management API and the console from their {@code Authorization} header. Blocking (an
 * account check hashes the password): call it from a worker thread.
 * <ul>
 * <li>{@code Bearer <gateway.admin.key>}: the operator;</li>
 * <li>Basic with a service's account credentials: that service, checked by the gateway's one front door for
 * credentials, the {@link Authenticator} (its caches, its revocations, its password-check pool);</li>
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

    private final Authenticator authenticator;
    private final AuditLog audit;
    private final GuessThrottle throttle;
    private final Optional<byte[]> operatorKeyDigest;

    public ApiCallers(Authenticator authenticator, AuditLog audit, GuessThrottle throttle, GatewayConfig config) {
        this.authenticator = authenticator;
        this.audit = audit;
        this.throttle = throttle;
        this.operatorKeyDigest = config.admin().key().filter(key -> !key.isBlank()).map(ApiCallers::sha256);
    }

    /**
     * The caller, or a {@link GatewayError}: 401 (no or bad credentials), 429 (too many failed checks from this client
     * or for this username: nothing was checked), or the limit reached while checking (a full password-check pool).
     * {@code listener} and {@code client} (its address) name the attempt.
     */
    public ApiCaller authenticate(String authorization, String listener, String client) {
        if (authorization == null || authorization.isBlank()) {
            throw failed(listener, client, null);
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return operator(authorization, listener, client);
        }
        if (!(Credentials.parse(authorization).orElse(null) instanceof Credentials.Account)) {
            throw failed(listener, client, null); // malformed, or an API token, which never manages tokens
        }
        Caller caller;
        try {
            caller = authenticator.authenticateAndWait(authorization, listener, client);
        } catch (Authenticator.Unauthenticated refused) {
            throw failed(listener, client, refused.username());
        } catch (Authenticator.Throttled throttled) {
            throw throttled(listener, client, throttled.username(), throttled.retryAfter());
        }
        return ApiCaller.account(caller.serviceName());
    }

    /** The operator, or a 401 (no or bad credentials), a 403 (a service's account) or a 429. */
    public ApiCaller requireOperator(String authorization, String client) {
        ApiCaller caller = authenticate(authorization, MANAGEMENT, client);
        if (!caller.operator()) {
            throw GatewayError.forbidden("The admin API requires the operator key");
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
            throw GatewayError.notFound("service " + serviceName);
        }
        return caller;
    }

    /** Any Bearer value here is a try at the operator key (API tokens are refused anyway): throttled per address. */
    private ApiCaller operator(String authorization, String listener, String client) {
        throttle.admit(listener, client, null).ifPresent(wait -> {
            throw throttled(listener, client, null, wait);
        });
        if (isOperatorKey(authorization)) {
            throttle.refund(client, null);
            return ApiCaller.OPERATOR;
        }
        throw failed(listener, client, null);
    }

    /** Always the same words whatever went wrong, so the answer is no oracle for guessing credentials. */
    static GatewayError unauthenticated() {
        return new GatewayError(GatewayError.Kind.UNAUTHENTICATED,
                "Authentication required: the service's account credentials (Basic) or the operator key (Bearer)");
    }

    private GatewayError failed(String listener, String client, String username) {
        audit.clientEvent("auth.failed", client, AuditLog.attempt(listener, client, username));
        return unauthenticated();
    }

    private GatewayError throttled(String listener, String client, String username, Duration wait) {
        Map<String, Object> details = new LinkedHashMap<>(AuditLog.attempt(listener, client, username));
        details.put("retryAfter", GuessThrottle.retryAfterSeconds(wait));
        audit.clientEvent("auth.throttled", client, details);
        return new Authenticator.Throttled(username, wait);
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
