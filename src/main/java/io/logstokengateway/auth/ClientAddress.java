package io.logstokengateway.auth;

import io.vertx.core.http.HttpServerRequest;

/** The address a request came from, as the throttle and the audit trail name the client. */
public final class ClientAddress {

    private ClientAddress() {
    }

    /** The peer's numeric address ({@code unknown} if the connection has none). */
    public static String of(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
