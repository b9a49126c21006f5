package io.logstokengateway.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;


/** Requests by listener and status, and upstream latency (until the response headers arrive). */
@ApplicationScoped
class ProxyMetrics {

    /** Statuses 0..999 are cached per (status, outcome); anything else is looked up in the registry each time. */
    private static final int STATUSES = 1000;
    private static final int OUTCOMES = Outcome.values().length;

    private final MeterRegistry meters;
    /** Per listener, the request counters already registered, so a request does not build tags and look them up. */
    private final Map<String, AtomicReferenceArray<Counter>> requestCounters = new ConcurrentHashMap<>();

    ProxyMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void request(Exchange exchange) {
        int status = exchange.status;
        if (status < 0 || status >= STATUSES) {
            counter(exchange).increment();
            return;
        }
        AtomicReferenceArray<Counter> counters = requestCounters.computeIfAbsent(exchange.listener,
                listener -> new AtomicReferenceArray<>(STATUSES * OUTCOMES));
        int slot = status * OUTCOMES + exchange.outcome.ordinal();
        Counter counter = counters.get(slot);
        if (counter == null) {
            counter = counter(exchange); // the registry returns the same counter for the same id
            counters.set(slot, counter);
        }
        counter.increment();
    }

    private Counter counter(Exchange exchange) {
        return meters.counter("gateway.requests", "listener", exchange.listener, "status", Integer.toString(exchange.status),
                "outcome", exchange.outcome.label);
    }

    Timer upstreamLatency(String listener) {
        return Timer.builder("gateway.upstream.latency").tag("listener", listener).publishPercentileHistogram().register(meters);
    }
}
