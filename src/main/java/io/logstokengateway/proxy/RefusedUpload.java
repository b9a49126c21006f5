package io.logstokengateway.proxy;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The body of a request the gateway refuses before reading it. Clients built on Apache HttpAsyncClient (the
 * Elasticsearch low-level REST client) write the whole body before they read the answer: a connection closed under
 * them surfaces as "Broken pipe" instead of the 401, 403 or 413 (on a fresh connection that client first sends its
 * body without credentials, to be challenged). So, as Elasticsearch (Netty) does, the rest of the body is read and
 * discarded after the answer and the connection kept, up to a bound: a body declared larger is not read at all, and
 * one that runs past the bound ({@code chunked}, or longer than declared) is ended there ({@link ClientStreams}).
 */
final class RefusedUpload {

    /** Elasticsearch's default {@code http.max_content_length}: no client sends it more in one request. */
    static final long MAX_DISCARDED_BYTES = 100L * 1024 * 1024;

    private RefusedUpload() {
    }

    /**
     * Whether part of the body is still to come. On HTTP/2 any stream the client has not ended may still carry one:
     * a body need not declare its length there, and there is no {@code Transfer-Encoding}.
     */
    static boolean unread(HttpServerRequest request) {
        if (request.isEnded()) {
            return false;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (ClientStreams.multiplexed(request)) {
            return !"0".equals(length);
        }
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || length != null && !"0".equals(length);
    }

    /**
     * Whether the rest of the body may be read and discarded rather than the connection closed. Not when the client
     * waits for a {@code 100 Continue} it will not get: it may never send the body, and its next request would be
     * read as that body.
     */
    static boolean discardable(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            return false;
        }
        if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            return true; // bounded while it is read
        }
        try {
            long length = Long.parseLong(request.getHeader(HttpHeaders.CONTENT_LENGTH).trim());
            return length >= 0 && length <= MAX_DISCARDED_BYTES;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Reads the rest of the body into nothing; the bound holds whatever the client sends past its declared length. */
    static void discard(HttpServerRequest request) {
        long[] discarded = {0};
        request.handler(chunk -> {
            discarded[0] += chunk.length();
            if (discarded[0] > MAX_DISCARDED_BYTES) {
                request.handler(null);
                ClientStreams.end(request, ClientStreams.NO_ERROR);
            }
        });
        request.exceptionHandler(failure -> {
            if (!ClientStreams.multiplexed(request)) {
                request.connection().close(); // where the body ends is unknown now (an HTTP/2 stream that failed is over)
            }
        });
        request.endHandler(null);
        request.resume();
    }
}
