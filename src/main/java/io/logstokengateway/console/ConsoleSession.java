package io.logstokengateway.console;

import io.logstokengateway.api.ApiCaller;
import io.logstokengateway.registry.ConsoleSessionStore;
import io.logstokengateway.registry.ConsoleSessionStore.OneShot;


/**
 * One signed-in console user, as read from the {@link ConsoleSessionStore} for one request. The cookie carries
 * {@link #id}; every form carries {@link #csrfToken}. A token created in this session is remembered (in the store, so
 * whichever node serves the next page) until the next page view shows its value once.
 */
final class ConsoleSession {

    private final String id;
    private final String key;
    private final ApiCaller caller;
    private final String csrfToken;
    private final ConsoleSessionStore store;

    ConsoleSession(String id, String key, ApiCaller caller, String csrfToken, ConsoleSessionStore store) {
        this.id = id;
        this.key = key;
        this.caller = caller;
        this.csrfToken = csrfToken;
        this.store = store;
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

    /** Remembers a new token so that the next view of the service page shows its value. */
    void showOnce(String tokenId) {
        store.put(key, OneShot.CREATED_TOKEN, tokenId);
    }

    /** The token to show, once: a second call answers {@code null}. */
    String takeCreatedTokenId() {
        return store.take(key, OneShot.CREATED_TOKEN).orElse(null);
    }

    void notice(String message) {
        store.put(key, OneShot.NOTICE, message);
    }

    String takeNotice() {
        return store.take(key, OneShot.NOTICE).orElse(null);
    }

    @Override
    public String toString() {
        return "ConsoleSession[" + caller.describe() + "]"; // never the id nor the CSRF token
    }
}
