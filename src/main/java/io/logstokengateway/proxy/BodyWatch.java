package io.logstokengateway.proxy;

import io.logstokengateway.limits.LimitExceeded;
import io.vertx.core.Vertx;

/**
 * Cuts off a body that stays silent for {@code limits.body-idle-timeout} while the gateway holds what came of it: a
 * stalled upload must not keep its share of the body budget. Armed when it is made; {@link #heard} re-arms it,
 * {@link #done} disarms it (the body ended, or the gateway stopped reading, so the silence is not the client's).
 */
final class BodyWatch {

    private final Exchange exchange;
    private final Runnable onStall;
    private final Vertx vertx;
    private final long timeoutMillis;
    private long timer;

    /** {@code onStall}: what else stops with the body (a line stream and its upstream request). */
    BodyWatch(Exchange exchange, Runnable onStall) {
        ProxyServices services = exchange.proxy().services;
        this.exchange = exchange;
        this.onStall = onStall;
        this.vertx = services.vertx();
        this.timeoutMillis = services.limits().bodyIdleTimeout().toMillis();
        this.timer = vertx.setTimer(timeoutMillis, id -> stalled());
    }

    void heard() {
        vertx.cancelTimer(timer);
        if (exchange.state() != Exchange.State.DONE) {
            timer = vertx.setTimer(timeoutMillis, id -> stalled());
        }
    }

    void done() {
        vertx.cancelTimer(timer);
    }

    private void stalled() {
        onStall.run();
        exchange.stopReading();
        exchange.limitReached(new LimitExceeded("body-idle-timeout", 408, null,
                "the request body stalled for longer than the gateway waits"));
    }
}
