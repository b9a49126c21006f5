package io.logstokengateway.proxy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Socket reads of up to {@link #MAX_READ_BYTES} on the connections bodies stream through. Each piece read is relayed
 * as one write (and flush) on the other side, so Netty's default cap of 64 KiB per read costs four times the system
 * calls on a large transfer. Its adaptive allocator is kept, only with a higher cap: it starts small and grows only
 * while reads fill the buffer, so small requests and answers stay as cheap as before (Vert.x's own option for this,
 * {@code receiveBufferSize}, would fix every read at the large size).
 */
final class ReadBuffers {

    static final int MAX_READ_BYTES = 256 * 1024;
    private static final int MIN_READ_BYTES = 64;
    private static final int INITIAL_READ_BYTES = 2048;

    private ReadBuffers() {
    }

    /** For a connection handler of the HTTP server or client; connections of other kinds are left as they are. */
    static void enlarge(HttpConnection connection) {
        // ConnectionBase is Vert.x's implementation class: the one way to reach the Netty channel's configuration.
        if (connection instanceof ConnectionBase base) {
            base.channel().config().setRecvByteBufAllocator(
                    new AdaptiveRecvByteBufAllocator(MIN_READ_BYTES, INITIAL_READ_BYTES, MAX_READ_BYTES));
        }
    }
}
