package io.logstokengateway.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Locale;

/**
 * Counts failed console sign-ins per client address and per username; past a limit, sign-ins from that address or
 * for that username are refused without checking the credentials until {@link #WINDOW} has passed without a failure.
 * The per-username limit slows guessing one account from many addresses; the per-address one slows one client trying
 * many accounts. In this node's memory (each node counts on its own).
 */
@ApplicationScoped
public class LoginThrottle {

    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int MAX_FAILURES_PER_USERNAME = 5;
    static final int MAX_FAILURES_PER_ADDRESS = 20;

    private final Cache<String, Integer> failures = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(WINDOW).build();

    /** Whether a sign-in may be tried now; {@code username} is {@code null} for the operator key. */
    boolean allows(String address, String username) {
        return count(addressKey(address)) < MAX_FAILURES_PER_ADDRESS
                && (username == null || count(usernameKey(username)) < MAX_FAILURES_PER_USERNAME);
    }

    void failed(String address, String username) {
        failures.asMap().merge(addressKey(address), 1, Integer::sum);
        if (username != null) {
            failures.asMap().merge(usernameKey(username), 1, Integer::sum);
        }
    }

    /** A successful sign-in clears the username's count (not the address's: one good account must not reset guessing). */
    void succeeded(String username) {
        if (username != null) {
            failures.invalidate(usernameKey(username));
        }
    }

    private int count(String key) {
        Integer n = failures.getIfPresent(key);
        return n == null ? 0 : n;
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }

    private static String usernameKey(String username) {
        return "username:" + username.toLowerCase(Locale.ROOT);
    }
}
