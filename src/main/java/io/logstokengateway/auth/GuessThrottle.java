package io.logstokengateway.auth;

import io.logstokengateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One throttle for every place a password or the operator key is checked: the token and admin APIs, the console's
 * sign-in, {@code /q/health} details and account credentials on both proxy listeners. Each check is charged, before
 * it is made, to the client's address (an IPv6 client by its /64 network) and, for an account, to its username; an
 * attempt that would exceed {@code failures-per-*} within {@code window} is refused without a check, with the time to
 * wait. A successful check is refunded, so only failures accumulate; the budget refills steadily (one attempt every
 * {@code window / failures}). Charging first means parallel attempts cannot all pass: each takes a place or is refused.
 * <p>
 * API tokens are not throttled: 256 random bits are not guessed, and a throttled address must not lose its tokens.
 * The counts live in an {@link AttemptLedger}: this node's memory, or the registry database that several nodes share
 * ({@link AttemptLedgers}). {@link #admit} and {@link #refund} may therefore block: call them from a worker thread;
 * {@link #check} answers from memory.
 */
@ApplicationScoped
public class GuessThrottle {

    private final AttemptLedger ledger;
    private final Clock clock;
    private final Duration window;
    private final Duration addressCost;
    private final Duration usernameCost;
    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, Counter> throttledByListener = new ConcurrentHashMap<>();

    @Inject
    public GuessThrottle(GatewayConfig config, AttemptLedger ledger, MeterRegistry meters) {
        this(config.auth().throttle(), ledger, Clock.systemUTC(), meters);
    }

    GuessThrottle(GatewayConfig.Throttle settings, AttemptLedger ledger, Clock clock, MeterRegistry meters) {
        this.ledger = ledger;
        this.clock = clock;
        this.meters = meters;
        this.window = settings.window();
        this.addressCost = window.dividedBy(settings.failuresPerAddress());
        this.usernameCost = window.dividedBy(settings.failuresPerUsername());
        Gauge.builder("gateway.auth.throttle.tracked", ledger, AttemptLedger::size)
                .description("Client addresses and usernames with failed password or key checks on record").register(meters);
    }

    /**
     * Before a password or key is checked: charges the attempt to the client's address and, when given, to the
     * username. Empty when the check may go ahead; otherwise how long the client must wait (nothing is charged).
     */
    public Optional<Duration> admit(String listener, String address, String username) {
        Instant now = clock.instant();
        String addressKey = addressKey(address);
        Duration wait = ledger.charge(addressKey, addressCost, window, now);
        if (wait.isZero() && username != null) {
            wait = ledger.charge(usernameKey(username), usernameCost, window, now);
            if (!wait.isZero()) {
                ledger.refund(addressKey, addressCost, now);
            }
        }
        return throttled(listener, wait);
    }

    /** The checked password or key was right, or the check could not be made: the attempt is given back. */
    public void refund(String address, String username) {
        Instant now = clock.instant();
        ledger.refund(addressKey(address), addressCost, now);
        if (username != null) {
            ledger.refund(usernameKey(username), usernameCost, now);
        }
    }

    /**
     * Whether the address or the username is throttled now, without charging anything: for credentials answered
     * without a check (known good ones), so that a throttled client gets 429 whatever it presents and the answer
     * never tells a right guess from a wrong one.
     */
    public Optional<Duration> check(String listener, String address, String username) {
        Instant now = clock.instant();
        Duration wait = ledger.wait(addressKey(address), addressCost, window, now);
        if (wait.isZero() && username != null) {
            wait = ledger.wait(usernameKey(username), usernameCost, window, now);
        }
        return throttled(listener, wait);
    }

    /** Whole seconds to announce in {@code Retry-After}: rounded up, at least one. */
    public static long retryAfterSeconds(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private Optional<Duration> throttled(String listener, Duration wait) {
        if (wait.isZero()) {
            return Optional.empty();
        }
        throttledByListener.computeIfAbsent(listener, l -> Counter.builder("gateway.auth.throttled").tag("listener", l)
                .description("Password or key checks refused by the guessing throttle").register(meters)).increment();
        return Optional.of(wait);
    }

    static String addressKey(String address) {
        return "address:" + ClientAddress.key(address);
    }

    /** Usernames by digest: any case, and a long one costs no more memory than a short one. */
    static String usernameKey(String username) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "username:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
