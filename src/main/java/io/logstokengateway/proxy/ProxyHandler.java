package io.logstokengateway.proxy;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * A proxy listener's request handler: each request becomes an {@link Exchange}, the state machine that carries it
 * from authentication to the last byte of its answer, with what this listener is ({@link ListenerSpec}) and what the
 * listeners share ({@link ProxyServices}).
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

    final ListenerSpec spec;
    final ProxyServices services;
    final Timer upstreamLatency;

    ProxyHandler(ListenerSpec spec, ProxyServices services) {
        this.spec = spec;
        this.services = services;
        this.upstreamLatency = services.metrics().upstreamLatency(spec.name());
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (!spec.connections().serves(request.connection())) {
            // Refused when it was accepted and closing: a request read with its first bytes still comes here
            request.connection().close();
            return;
        }
        new Exchange(this, request).start();
    }
}
