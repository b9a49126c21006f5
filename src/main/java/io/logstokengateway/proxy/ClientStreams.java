package io.logstokengateway.proxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Ends one client request early (its body left unread, or its answer cut) without harming the other requests on its
 * connection. On HTTP/2 each request is a stream of its own: resetting that stream ends it alone, while closing the
 * connection would fail every request multiplexed on it (a dashboard's other panels, say). On HTTP/1.x the connection
 * must close: the unread rest of a body would be read as the next request, and a cut answer has no other signal.
 */
final class ClientStreams {

    /** RFC 9113 section 8.1: the answer is complete, the client may stop sending the request's body. */
    static final long NO_ERROR = 0x0;
    /** The answer is incomplete: the upstream broke, or the gateway refused part of it after its head went out. */
    static final long INTERNAL_ERROR = 0x2;

    private ClientStreams() {
    }

    static boolean multiplexed(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_2;
    }

    /**
     * Resets the request's stream with {@code http2ErrorCode} (unless both sides have ended it already: a reset on a
     * closed stream may be taken as a connection error), or closes its HTTP/1.x connection.
     */
    static void end(HttpServerRequest request, long http2ErrorCode) {
        if (multiplexed(request)) {
            if (!request.isEnded() || !request.response().ended()) {
                request.response().reset(http2ErrorCode);
            }
        } else {
            request.connection().close();
        }
    }
}
