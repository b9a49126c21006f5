package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.vertx.core.http.HttpServerRequest;

/** What a listener lets through, and where it sends it. */
interface RoutePolicy {

    /** A refusal that needs no authentication (e.g. the Graylog web UI), or {@code null}. */
    Refusal beforeAuthentication(HttpServerRequest request);

    /** A refusal that depends on who calls, or {@code null}. */
    Refusal afterAuthentication(HttpServerRequest request, Caller caller);

    /** Path and query to request from the upstream. */
    String upstreamUri(HttpServerRequest request);

    /** Everything passes and is forwarded as received. */
    RoutePolicy FORWARD_ALL = new RoutePolicy() {
        @Override
        public Refusal beforeAuthentication(HttpServerRequest request) {
            return null;
        }

        @Override
        public Refusal afterAuthentication(HttpServerRequest request, Caller caller) {
            return null;
        }

        @Override
        public String upstreamUri(HttpServerRequest request) {
            return request.uri();
        }
    };
}
