package io.logstokengateway.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;


/** Requests by listener and status, and upstream latency (until the response headers arrive). */
@ApplicationScoped
class ProxyMetrics {

    private final MeterRegistry meters;

    ProxyMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void request(Exchange exchange) {
        meters.counter("gateway.requests", "listener", exchange.listener, "status", Integer.toString(exchange.status),
                "outcome", exchange.outcome.label).increment();
    }

    Timer upstreamLatency(String listener) {
        return Timer.builder("gateway.upstream.latency").tag("listener", listener).publishPercentileHistogram().register(meters);
    }
}
