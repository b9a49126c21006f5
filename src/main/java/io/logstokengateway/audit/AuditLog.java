package io.logstokengateway.audit;

import io.logstokengateway.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Security events, one JSON object per line on the {@code gateway.audit} category: who created or deleted which
 * token, which service was provisioned or changed, authentication failures, scope refusals. Never a secret: only
 * names, ids and reasons. Per-request events are rate-limited so that an attack cannot flood the log; what is
 * dropped is counted and reported once the next second opens.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("gateway.audit");

    private final int maxPerSecond;
    private final Clock clock;
    private long windowSecond;
    private int writtenInWindow;
    private long suppressed;

    @Inject
    public AuditLog(GatewayConfig config) {
        this(config.audit().maxEventsPerSecond(), Clock.systemUTC());
    }

    AuditLog(int maxPerSecond, Clock clock) {
        this.maxPerSecond = maxPerSecond;
        this.clock = clock;
    }

    /** A change made through the management API: always written. */
    public void change(String event, String actor, Map<String, ?> details) {
        write(event, actor, details);
    }

    /** An event a client can cause on every request (authentication failure, scope refusal): rate-limited. */
    public void requestEvent(String event, String actor, Map<String, ?> details) {
        long dropped;
        synchronized (this) {
            long second = clock.millis() / 1000;
            if (second != windowSecond) {
                windowSecond = second;
                writtenInWindow = 0;
            }
            if (writtenInWindow >= maxPerSecond) {
                suppressed++;
                return;
            }
            writtenInWindow++;
            dropped = suppressed;
            suppressed = 0;
        }
        if (dropped > 0) {
            write("audit.suppressed", null, Map.of("count", dropped));
        }
        write(event, actor, details);
    }

    private void write(String event, String actor, Map<String, ?> details) {
        JsonObject line = new JsonObject().put("time", Instant.now(clock).toString()).put("event", event);
        if (actor != null) {
            line.put("actor", actor);
        }
        details.forEach(line::put);
        LOG.info(line.encode());
    }
}
