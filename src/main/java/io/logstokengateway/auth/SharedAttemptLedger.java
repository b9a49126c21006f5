package io.logstokengateway.auth;

import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.registry.AttemptLedgerStore;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The attempt ledger of nodes sharing a PostgreSQL registry: charges and refunds are made in the database
 * ({@link AttemptLedgerStore}, atomic there), so a guesser spreading attempts over every node gets no more than from
 * one. {@link #wait} answers from a local view: what this node charged, and every poll interval the keys the others
 * pushed near their limit.
 */
final class SharedAttemptLedger implements AttemptLedger {

    private static final Logger LOG = Logger.getLogger(SharedAttemptLedger.class);

    private final AttemptLedgerStore store;
    private final Vertx vertx;
    private final int maxTracked;
    /** Keys within one attempt (the dearest) of their limit are throttled now: those the view must hold. */
    private final Duration nearLimit;
    private final ConcurrentHashMap<String, Long> paidUntil = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final long timerId;
    private volatile long size;

    SharedAttemptLedger(AttemptLedgerStore store, Vertx vertx, GatewayConfig config) {
        this.store = store;
        this.vertx = vertx;
        GatewayConfig.Throttle throttle = config.auth().throttle();
        this.maxTracked = (int) Math.min(Integer.MAX_VALUE, throttle.maxTracked());
        int fewest = Math.min(throttle.failuresPerAddress(), throttle.failuresPerUsername());
        this.nearLimit = throttle.window().minus(throttle.window().dividedBy(fewest));
        long period = config.cluster().pollInterval().toMillis();
        this.timerId = vertx.setPeriodic(period, period, id -> refresh());
    }

    void close() {
        vertx.cancelTimer(timerId);
    }

    @Override
    public Duration charge(String key, Duration cost, Duration allowance, Instant now) {
        long nowMicros = micros(now);
        AttemptLedgerStore.Charge charge = store.charge(key, micros(cost), micros(allowance), nowMicros);
        paidUntil.put(key, charge.paidUntilMicros());
        if (charge.charged()) {
            return Duration.ZERO;
        }
        return Duration.of(charge.paidUntilMicros() + micros(cost) - nowMicros - micros(allowance), ChronoUnit.MICROS);
    }

    @Override
    public void refund(String key, Duration cost, Instant now) {
        paidUntil.put(key, store.refund(key, micros(cost)));
    }

    @Override
    public Duration wait(String key, Duration cost, Duration allowance, Instant now) {
        Long paid = paidUntil.get(key);
        long nowMicros = micros(now);
        long debt = Math.max(paid == null ? nowMicros : paid, nowMicros) + micros(cost) - nowMicros;
        return debt > micros(allowance) ? Duration.of(debt - micros(allowance), ChronoUnit.MICROS) : Duration.ZERO;
    }

    @Override
    public long size() {
        return size;
    }

    /** Reads the keys near their limit, whichever node charged them, off the event loop. */
    private void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        vertx.executeBlocking(() -> {
            long now = micros(Instant.now());
            Map<String, Long> near = store.indebtedBeyond(now + micros(nearLimit), now, maxTracked);
            paidUntil.keySet().retainAll(near.keySet());
            paidUntil.putAll(near);
            size = store.size(now);
            return null;
        }, false).onComplete(done -> {
            refreshing.set(false);
            if (done.failed()) {
                LOG.debugf("Cannot read the shared attempt ledger: %s", done.cause().getMessage());
            }
        });
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1000;
    }
}
