package io.logstokengateway.proxy;

import io.logstokengateway.auth.ClientAddress;
import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.limits.LimitRefusals;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections of one proxy listener: at most {@code limits.connections} in all and
 * {@code limits.connections-per-address} from one client address (an IPv6 client by its /64), and each must bring a
 * request's head within {@code limits.header-timeout} of opening, or of the previous answer's end. A client that sends
 * its head a byte a second, or opens connections and sends nothing, is cut off. A connection past the total is closed at
 * once, before anything is read; one past its address's share is answered 429 on its first request, then closed, so
 * that the client (maybe one of many behind the same address) learns why. Between two requests of a kept-alive
 * connection the next head has {@code limits.idle-timeout}, as long as a client may keep a connection open doing
 * nothing.
 */
final class ConnectionGuard {

    private final Vertx vertx;
    private final String listener;
    private final LimitRefusals refusals;
    private final int maxConnections;
    private final int maxPerAddress;
    private final long headerTimeoutMillis;
    private final long keepAliveMillis;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> openByAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<HttpConnection, Watch> watches = new ConcurrentHashMap<>();

    ConnectionGuard(Vertx vertx, String listener, LimitRefusals refusals, int maxConnections, int maxPerAddress,
                    long headerTimeoutMillis, long keepAliveMillis) {
        this.keepAliveMillis = keepAliveMillis;
        this.vertx = vertx;
        this.listener = listener;
        this.refusals = refusals;
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.headerTimeoutMillis = headerTimeoutMillis;
    }

    /** A connection was accepted: counted, or closed when over a limit; its first head is awaited. */
    void accepted(HttpConnection connection) {
        String address = connection.remoteAddress() == null ? "" : connection.remoteAddress().hostAddress();
        String key = ClientAddress.key(address);
        AtomicInteger fromAddress = openByAddress.compute(key, (k, count) -> {
            AtomicInteger counter = count == null ? new AtomicInteger() : count;
            counter.incrementAndGet();
            return counter;
        });
        int total = open.incrementAndGet();
        Watch watch = new Watch(connection, key);
        connection.closeHandler(v -> watch.closed());
        if (total > maxConnections) {
            refusals.refused("connections", listener, address, null);
            connection.close();
            return;
        }
        watch.overLimit = fromAddress.get() > maxPerAddress;
        watches.put(connection, watch);
        watch.awaitHead(headerTimeoutMillis);
    }

    /**
     * A request's head arrived on this connection: it is no longer timed. Returns why the request must be refused
     * (and the connection closed after), or null.
     */
    LimitExceeded headReceived(HttpConnection connection) {
        Watch watch = watches.get(connection);
        if (watch == null) {
            return null;
        }
        watch.stop();
        return watch.overLimit ? new LimitExceeded("connections-per-address", 429, Duration.ofSeconds(1),
                "too many connections are open from this address; reuse those open, or try again shortly") : null;
    }

    /** The answer on this connection ended: the next head is awaited, and timed. */
    void answered(HttpConnection connection) {
        Watch watch = watches.get(connection);
        if (watch != null) {
            watch.awaitHead(keepAliveMillis);
        }
    }

    private final class Watch {
        private final HttpConnection connection;
        private final String addressKey;
        private long timer = -1;
        private boolean closed;
        /** Opened past its address's share: its first request is refused. */
        private volatile boolean overLimit;

        Watch(HttpConnection connection, String addressKey) {
            this.connection = connection;
            this.addressKey = addressKey;
        }

        synchronized void awaitHead(long millis) {
            stop();
            if (!closed) {
                timer = vertx.setTimer(millis, id -> {
                    refusals.refused("header-timeout", listener, connection.remoteAddress() == null ? null
                            : connection.remoteAddress().hostAddress(), null);
                    connection.close();
                });
            }
        }

        synchronized void stop() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        synchronized void closed() {
            if (closed) {
                return;
            }
            closed = true;
            stop();
            watches.remove(connection);
            open.decrementAndGet();
            openByAddress.computeIfPresent(addressKey, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }
}
