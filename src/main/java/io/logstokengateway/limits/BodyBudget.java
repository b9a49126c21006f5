package io.logstokengateway.limits;

import io.logstokengateway.config.GatewayConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory the gateway spends holding request bodies it must read whole (and answers it must read whole to rewrite):
 * a total for all clients ({@code limits.held-bodies}) and a share per service ({@code limits.held-bodies-per-service}),
 * so that neither one client's stalled uploads nor everyone's together can take the heap. A hold that would pass the
 * service's share is refused with 429 (that service should wait), one that would pass the total with 503 (everyone
 * should).
 */
@ApplicationScoped
public class BodyBudget {

    private final long total;
    private final long perService;
    private final AtomicLong held = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> heldByService = new ConcurrentHashMap<>();

    @Inject
    public BodyBudget(GatewayConfig config, MeterRegistry meters) {
        this(config.limits().heldBodies().asLongValue(), config.limits().heldBodiesPerService().asLongValue());
        Gauge.builder("gateway.limits.held.bodies.bytes", held, AtomicLong::get)
                .description("Bytes of request bodies and answers the gateway holds to check or rewrite them").register(meters);
    }

    public BodyBudget(long total, long perService) {
        this.total = total;
        this.perService = perService;
    }

    /** A hold for one request, grown as its body arrives and released once (whatever happens to the request). */
    public Hold hold(String service) {
        return new Hold(service == null ? "" : service);
    }

    /** Bytes held now, all clients together. */
    public long held() {
        return held.get();
    }

    public final class Hold {
        private final String service;
        private long bytes;
        private boolean released;

        private Hold(String service) {
            this.service = service;
        }

        /** Adds {@code more} bytes to the hold, or throws {@link LimitExceeded} (and holds nothing more). */
        public void grow(long more) {
            // compute and computeIfPresent run atomically per key: a service's count never goes away while it is held
            AtomicLong ofService = heldByService.compute(service, (name, known) -> {
                AtomicLong counter = known == null ? new AtomicLong() : known;
                counter.addAndGet(more);
                return counter;
            });
            if (ofService.get() > perService) {
                giveBack(more);
                throw new LimitExceeded("held-bodies-per-service", 429, Duration.ofSeconds(1),
                        "this service's requests already hold as many bodies as the gateway keeps for one service; try again shortly");
            }
            if (held.addAndGet(more) > total) {
                held.addAndGet(-more);
                giveBack(more);
                throw new LimitExceeded("held-bodies", 503, Duration.ofSeconds(1),
                        "the gateway holds as many request bodies as it may; try again shortly");
            }
            bytes += more;
        }

        /** Gives {@code fewer} bytes back (a line checked and sent on), keeping the hold for what follows. */
        public void shrink(long fewer) {
            long given = Math.min(fewer, bytes);
            if (released || given <= 0) {
                return;
            }
            held.addAndGet(-given);
            giveBack(given);
            bytes -= given;
        }

        /** Gives everything back; later calls do nothing. */
        public void release() {
            if (released) {
                return;
            }
            released = true;
            held.addAndGet(-bytes);
            giveBack(bytes);
            bytes = 0;
        }

        private void giveBack(long amount) {
            heldByService.computeIfPresent(service, (name, counter) -> counter.addAndGet(-amount) <= 0 ? null : counter);
        }
    }
}
