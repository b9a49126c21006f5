package io.logstokengateway.proxy;

import io.logstokengateway.auth.ClientAddress;
import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.limits.LimitRefusals;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections of one proxy listener: at most {@code limits.connections} in all and
 * {@code limits.connections-per-address} from one client address (an IPv6 client by its /64). Each must bring its
 * first request's head within {@code limits.header-timeout} of opening: a client that sends its head a byte a second,
 * or opens connections and sends nothing, is cut off. Once it has been answered, a kept-alive connection may wait
 * {@code limits.idle-timeout} for its next request. A connection past the total is closed at once, before anything is
 * read; one past its address's share is answered 429 on its first request, then closed, so that the client (maybe one
 * of many behind the same address) learns why. Deadlines are checked twice a second by one timer, not one per request.
 * Behind a balancer that sends the PROXY protocol, the client is the one its header names, and only a trusted balancer's
 * connections are served.
 */
final class ConnectionGuard {

    /** How often deadlines are checked: a connection is cut within this much after its deadline. */
    private static final long SWEEP_MILLIS = 500;

    private final Vertx vertx;
    private final String listener;
    private final LimitRefusals refusals;
    /** The balancers allowed to send a PROXY header, or null when the listener reads none. */
    private final ProxyProtocolSources proxySources;
    private final int maxConnections;
    private final int maxPerAddress;
    private final long headerTimeoutNanos;
    private final long keepAliveNanos;
    private final long sweeper;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> openByAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
    /** Stopping: no new connection is served, and an idle one is closed. */
    private volatile boolean draining;

    ConnectionGuard(Vertx vertx, String listener, LimitRefusals refusals, ProxyProtocolSources proxySources, int maxConnections,
                    int maxPerAddress, long headerTimeoutMillis, long keepAliveMillis) {
        this.proxySources = proxySources;
        this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMillis);
        this.vertx = vertx;
        this.listener = listener;
        this.refusals = refusals;
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
        this.sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    }

    /**
     * A connection was accepted (behind a balancer: its PROXY header read): counted, or closed when over a limit or
     * when the header came from a peer not trusted to send one; its first head is awaited.
     */
    void accepted(HttpConnection connection) {
        String address = connection.remoteAddress() == null ? "" : connection.remoteAddress().hostAddress();
        if (proxySources != null) {
            SocketAddress peer = connection.remoteAddress(true); // the balancer, where remoteAddress() is the client it named
            if (!proxySources.trusts(peer)) {
                refusals.refused("proxy-protocol-trusted-sources", listener, peer == null ? null : peer.hostAddress(), null);
                connection.close();
                return;
            }
            address = ClientAddress.canonical(address); // a header may spell one address several ways: 2001:DB8:0::7
        }
        String key = ClientAddress.key(address);
        AtomicInteger fromAddress = openByAddress.compute(key, (k, count) -> {
            AtomicInteger counter = count == null ? new AtomicInteger() : count;
            counter.incrementAndGet();
            return counter;
        });
        int total = open.incrementAndGet();
        Watch watch = new Watch(connection, address, key);
        connection.closeHandler(v -> watch.closed());
        if (draining) {
            connection.close();
            return;
        }
        if (total > maxConnections) {
            refusals.refused("connections", listener, address, null);
            connection.close();
            return;
        }
        watch.overLimit = fromAddress.get() > maxPerAddress;
        watch.awaitHead(headerTimeoutNanos);
        watches.put(connection, watch);
    }

    /**
     * Whether requests on this connection are served: not on one refused when it was accepted (over a limit, from an
     * untrusted balancer, while draining), which is closing, but may still bring a request that came in its first read.
     */
    boolean serves(HttpConnection connection) {
        return watches.containsKey(connection);
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
        watch.requestStarted();
        return watch.overLimit ? new LimitExceeded("connections-per-address", 429, Duration.ofSeconds(1),
                "too many connections are open from this address; reuse those open, or try again shortly") : null;
    }

    /** The client's address on this connection, as read once when it was accepted ({@code null} if unknown). */
    String clientAddress(HttpConnection connection) {
        Watch watch = watches.get(connection);
        String address = watch != null ? watch.address
                : connection.remoteAddress() == null ? "" : connection.remoteAddress().hostAddress();
        return address.isEmpty() ? null : address;
    }

    /** An answer on this connection ended: once none is under way (HTTP/2 carries several), the next head is timed. */
    void answered(HttpConnection connection) {
        Watch watch = watches.get(connection);
        if (watch != null) {
            watch.requestEnded();
        }
    }

    /**
     * The node is stopping: connections accepted from now on are closed at once, and each open one as soon as no
     * request is under way on it (at the next sweep, which leaves the last answer time to be flushed).
     */
    void drain() {
        draining = true;
    }

    /** Connections still open (while draining: those with a request under way). */
    int open() {
        return open.get();
    }

    /** Closes the connections whose deadline passed; one timer for all, not one per request. */
    private void sweep() {
        long now = System.nanoTime();
        for (Watch watch : watches.values()) {
            long deadline = watch.deadlineNanos;
            if (deadline != 0 && (draining || now - deadline > 0)) {
                if (!watch.servedOne) {
                    refusals.refused("header-timeout", listener, watch.address, null);
                }
                watch.connection.close();
            }
        }
    }

    void close() {
        vertx.cancelTimer(sweeper);
    }

    /** One connection: its deadline for the next head (0 while a request is under way), and its place in the counts. */
    private final class Watch {
        private final HttpConnection connection;
        private final String address;
        private final String addressKey;
        /** Written on the connection's event loop, read by the sweep. */
        private volatile long deadlineNanos;
        private volatile boolean servedOne;
        private int underWay;
        private boolean closed;
        /** Opened past its address's share: its first request is refused. */
        private volatile boolean overLimit;

        Watch(HttpConnection connection, String address, String addressKey) {
            this.connection = connection;
            this.address = address;
            this.addressKey = addressKey;
        }

        void awaitHead(long nanos) {
            deadlineNanos = System.nanoTime() + nanos;
        }

        void requestStarted() {
            underWay++;
            deadlineNanos = 0;
        }

        void requestEnded() {
            servedOne = true;
            underWay = Math.max(0, underWay - 1);
            if (underWay == 0) {
                awaitHead(keepAliveNanos);
            }
        }

        synchronized void closed() {
            if (closed) {
                return;
            }
            closed = true;
            watches.remove(connection);
            open.decrementAndGet();
            openByAddress.computeIfPresent(addressKey, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }
}
