package io.logstokengateway.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logstokengateway.api.ApiCaller;
import io.logstokengateway.registry.Revocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Console sessions, in this node's memory: a session ends after {@link #IDLE} without a request, after
 * {@link #MAX_AGE} whatever happens, at logout, and when its service's credentials change (a {@link Revocation} of the
 * service: password changed, service disabled or deleted). Sessions are keyed by the SHA-256 of their id, so the
 * store holds nothing a cookie could be rebuilt from.
 */
@ApplicationScoped
public class ConsoleSessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration MAX_AGE = Duration.ofHours(12);
    private static final int MAX_SESSIONS = 100_000;
    private static final int ID_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final Cache<String, ConsoleSession> sessions = Caffeine.newBuilder()
            .maximumSize(MAX_SESSIONS).expireAfterAccess(IDLE).build();

    /** A new session for a caller who just proved who they are: always a fresh id (no session fixation). */
    ConsoleSession open(ApiCaller caller) {
        ConsoleSession session = new ConsoleSession(randomToken(), caller, randomToken(), clock.instant());
        sessions.put(key(session.id()), session);
        return session;
    }

    /** The live session this cookie value names, or empty. */
    Optional<ConsoleSession> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return Optional.empty();
        }
        String key = key(id);
        ConsoleSession session = sessions.getIfPresent(key);
        if (session != null && clock.instant().isAfter(session.createdAt().plus(MAX_AGE))) {
            sessions.invalidate(key);
            return Optional.empty();
        }
        return Optional.ofNullable(session);
    }

    void close(String id) {
        if (id != null && !id.isEmpty() && id.length() <= 128) {
            sessions.invalidate(key(id));
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
            sessions.asMap().values().removeIf(s -> !s.caller().operator()
                    && revocation.serviceName().equals(s.caller().serviceName()));
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
