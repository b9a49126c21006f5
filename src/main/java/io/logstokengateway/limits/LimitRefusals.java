package io.logstokengateway.limits;

import io.logstokengateway.audit.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Where every refusal for a reached limit is counted ({@code gateway_limits_refused_total{limit}}) and audited. */
@ApplicationScoped
public class LimitRefusals {

    private final MeterRegistry meters;
    private final AuditLog audit;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public LimitRefusals(MeterRegistry meters, AuditLog audit) {
        this.meters = meters;
        this.audit = audit;
    }

    /** A client was refused by {@code limit}; {@code client} is its address, {@code service} may be null. */
    public void refused(String limit, String listener, String client, String service) {
        counters.computeIfAbsent(limit, name -> Counter.builder("gateway.limits.refused")
                .description("Requests refused because a gateway.limits bound was reached").tag("limit", name)
                .register(meters)).increment();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("limit", limit);
        details.put("listener", listener);
        details.put("client", client);
        if (service != null) {
            details.put("service", service);
            audit.callerEvent("limit.reached", details); // an authenticated caller's refusals are always written
        } else {
            audit.clientEvent("limit.reached", client, details);
        }
    }
}
