package io.logstokengateway.console;

import io.logstokengateway.api.ApiCaller;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One signed-in console user, kept in memory only. The cookie carries {@link #id}; every form carries
 * {@link #csrfToken}. A token created in this session is remembered until the next page view shows its value once.
 */
final class ConsoleSession {

    private final String id;
    private final ApiCaller caller;
    private final String csrfToken;
    private final Instant createdAt;
    private final AtomicReference<String> createdTokenId = new AtomicReference<>();
    private final AtomicReference<String> notice = new AtomicReference<>();

    ConsoleSession(String id, ApiCaller caller, String csrfToken, Instant createdAt) {
        this.id = id;
        this.caller = caller;
        this.csrfToken = csrfToken;
        this.createdAt = createdAt;
    }

    String id() {
        return id;
    }

    ApiCaller caller() {
        return caller;
    }

    String csrfToken() {
        return csrfToken;
    }

    Instant createdAt() {
        return createdAt;
    }

    /** Remembers a new token so that the next view of the service page shows its value. */
    void showOnce(String tokenId) {
        createdTokenId.set(tokenId);
    }

    /** The token to show, once: a second call answers {@code null}. */
    String takeCreatedTokenId() {
        return createdTokenId.getAndSet(null);
    }

    void notice(String message) {
        notice.set(message);
    }

    String takeNotice() {
        return notice.getAndSet(null);
    }

    @Override
    public String toString() {
        return "ConsoleSession[" + caller.describe() + "]"; // never the id nor the CSRF token
    }
}
