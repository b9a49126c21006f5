package io.logstokengateway.limits;

import io.logstokengateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests under way per caller (a token, or a service's account), bounded by {@code limits.requests-per-caller}, and
 * per service (all its tokens and its account), bounded by {@code limits.requests-per-service}: one tenant sending
 * thousands of requests at once gets 429 for those beyond its share, instead of taking every upstream connection and
 * every worker from the other tenants.
 */
@ApplicationScoped
public class CallerConcurrency {

    private final int perCaller;
    private final int perService;
    private final ConcurrentHashMap<String, AtomicInteger> underWay = new ConcurrentHashMap<>();

    @Inject
    public CallerConcurrency(GatewayConfig config) {
        this(config.limits().requestsPerCaller(), config.limits().requestsPerService());
    }

    public CallerConcurrency(int perCaller, int perService) {
        this.perCaller = perCaller;
        this.perService = perService;
    }

    /**
     * Counts a request of {@code caller} of {@code service} in, or throws {@link LimitExceeded}; every success must be
     * {@link #leave}'d once, with the same names.
     */
    public void enter(String caller, String service) {
        if (enter("caller:" + caller) > perCaller) {
            leave("caller:" + caller);
            throw new LimitExceeded("requests-per-caller", 429, Duration.ofSeconds(1),
                    "this token already has " + perCaller + " requests under way; wait for their answers");
        }
        if (enter("service:" + service) > perService) {
            leave(caller, service);
            throw new LimitExceeded("requests-per-service", 429, Duration.ofSeconds(1),
                    "this service already has " + perService + " requests under way; wait for their answers");
        }
    }

    public void leave(String caller, String service) {
        leave("caller:" + caller);
        leave("service:" + service);
    }

    /** The count after this request's; compute and computeIfPresent run atomically per key, so a count never goes away while another request counts on it. */
    private int enter(String key) {
        return underWay.compute(key, (k, known) -> {
            AtomicInteger counter = known == null ? new AtomicInteger() : known;
            counter.incrementAndGet();
            return counter;
        }).get();
    }

    private void leave(String key) {
        underWay.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
