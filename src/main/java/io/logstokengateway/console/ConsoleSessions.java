package io.logstokengateway.console;

import io.logstokengateway.api.ApiCaller;
import io.logstokengateway.registry.ConsoleSessionStore;
import io.logstokengateway.registry.Revocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Console sessions, kept in the registry database so that every node serves them ({@link ConsoleSessionStore}): a
 * session ends after {@link #IDLE} without a request, after {@link #MAX_AGE} whatever happens, at logout, and when its
 * service's credentials change (a {@link Revocation} of the service: password changed, service disabled or deleted).
 * Sessions are keyed by the SHA-256 of their id, so the store holds nothing a cookie could be rebuilt from. Blocking:
 * the console's resources run on worker threads.
 */
@ApplicationScoped
public class ConsoleSessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration MAX_AGE = Duration.ofHours(12);
    private static final int ID_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final ConsoleSessionStore store;

    public ConsoleSessions(ConsoleSessionStore store) {
        this.store = store;
    }

    /** A new session for a caller who just proved who they are: always a fresh id (no session fixation). */
    ConsoleSession open(ApiCaller caller) {
        String id = randomToken();
        String csrfToken = randomToken();
        store.open(key(id), caller.operator(), caller.serviceName(), csrfToken, IDLE, MAX_AGE);
        return new ConsoleSession(id, key(id), caller, csrfToken, store);
    }

    /** The live session this cookie value names, or empty. */
    Optional<ConsoleSession> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return Optional.empty();
        }
        String key = key(id);
        return store.touch(key, IDLE, MAX_AGE).map(stored -> new ConsoleSession(id, key,
                new ApiCaller(stored.operator(), stored.serviceName()), stored.csrfToken(), store));
    }

    void close(String id) {
        if (id != null && !id.isEmpty() && id.length() <= 128) {
            store.close(key(id));
        }
    }

    /** 32 random bytes, base64url: session ids, CSRF tokens and login nonces. */
    String randomToken() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The service's credentials changed or it went away: its console sessions end now. */
    void forget(@Observes Revocation revocation) {
        if (revocation.kind() == Revocation.Kind.SERVICE) {
            store.closeService(revocation.serviceName(), revocation.revocationId());
        }
    }

    /** Constant-time comparison of a submitted CSRF token with the session's. */
    static boolean sameToken(String expected, String submitted) {
        return submitted != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), submitted.getBytes(StandardCharsets.UTF_8));
    }

    private static String key(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
