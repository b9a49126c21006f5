package io.logstokengateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.logstokengateway.config.GatewayConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The attempt ledger in this node's memory: key → the instant its debt is paid back. An entry leaves when its debt
 * is paid, and at most {@code gateway.auth.throttle.max-tracked} are kept (the least used go first, so a key under
 * attack stays). Enough for one node; nodes sharing a PostgreSQL registry share a {@link SharedAttemptLedger}.
 */
public class MemoryAttemptLedger implements AttemptLedger {

    private final Cache<String, Instant> paidAt;

    /** The ledger the embedded registry gets, sized by {@code gateway.auth.throttle.max-tracked}. */
    public MemoryAttemptLedger(GatewayConfig config) {
        this(config.auth().throttle().maxTracked(), Clock.systemUTC());
    }

    MemoryAttemptLedger(long maxKeys, Clock clock) {
        this.paidAt = Caffeine.newBuilder().maximumSize(maxKeys).expireAfter(new UntilPaid(clock)).build();
    }

    @Override
    public Duration charge(String key, Duration cost, Duration allowance, Instant now) {
        Duration[] wait = {Duration.ZERO};
        paidAt.asMap().compute(key, (k, paid) -> {
            Instant after = later(paid, now).plus(cost);
            Duration debt = Duration.between(now, after);
            if (debt.compareTo(allowance) > 0) {
                wait[0] = debt.minus(allowance);
                return paid;
            }
            return after;
        });
        return wait[0];
    }

    @Override
    public void refund(String key, Duration cost, Instant now) {
        paidAt.asMap().computeIfPresent(key, (k, paid) -> {
            Instant after = paid.minus(cost);
            return after.isAfter(now) ? after : null;
        });
    }

    @Override
    public Duration wait(String key, Duration cost, Duration allowance, Instant now) {
        Instant paid = paidAt.getIfPresent(key);
        Duration debt = Duration.between(now, later(paid, now).plus(cost));
        return debt.compareTo(allowance) > 0 ? debt.minus(allowance) : Duration.ZERO;
    }

    @Override
    public long size() {
        return paidAt.estimatedSize();
    }

    private static Instant later(Instant paid, Instant now) {
        return paid == null || paid.isBefore(now) ? now : paid;
    }

    /** An entry lives until its debt is paid back. */
    private record UntilPaid(Clock clock) implements Expiry<String, Instant> {
        @Override
        public long expireAfterCreate(String key, Instant paid, long currentTime) {
            return Math.max(0, Duration.between(clock.instant(), paid).toNanos());
        }

        @Override
        public long expireAfterUpdate(String key, Instant paid, long currentTime, long currentDuration) {
            return expireAfterCreate(key, paid, currentTime);
        }

        @Override
        public long expireAfterRead(String key, Instant paid, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
