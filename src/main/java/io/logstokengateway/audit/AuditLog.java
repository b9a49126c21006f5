package io.logstokengateway.audit;

import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.crypto.TokenValues;
import io.logstokengateway.registry.Names;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Security events, one JSON object per line on the {@code gateway.audit} category: who created or deleted which
 * token, which service was provisioned or changed, authentication failures, scope refusals. Never a secret: only
 * names, ids, addresses and reasons.
 * <p>
 * What an authenticated caller does or is refused is always written: it is evidence against a known identity, and
 * such a caller can be held to account for the volume. Events of unauthenticated clients (failed or throttled
 * authentication) can be caused by anyone on every request, so each event type has its own budget per second, and
 * each client address a smaller share of it: one flooding client cannot crowd out the others, nor one type of event
 * another. What is dropped is counted per event type and reported as {@code audit.suppressed} once the second is over.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("gateway.audit");
    /** Distinct clients counted in one second at most; beyond, their events are suppressed (and counted). */
    private static final int MAX_CLIENTS_PER_SECOND = 10_000;
    /** What stands for a presented username that is not shaped like one. */
    static final String WITHHELD = "(withheld: not shaped like a username)";

    private final int maxPerTypePerSecond;
    private final int maxPerClientPerSecond;
    private final Clock clock;
    private long windowSecond;
    private final Map<String, Integer> writtenByType = new HashMap<>();
    private final Map<String, Integer> writtenByClient = new HashMap<>();
    /** Events dropped in this second, per type. */
    private final Map<String, Long> suppressed = new LinkedHashMap<>();
    /** Events dropped in seconds that are over, per type, to report. */
    private final Map<String, Long> overdue = new LinkedHashMap<>();
    private final MeterRegistry meters;
    private final Map<String, Counter> suppressedCounters = new HashMap<>();
    private long timerId = -1;

    @Inject
    public AuditLog(GatewayConfig config, MeterRegistry meters) {
        this(config.audit().maxEventsPerSecond(), config.audit().maxEventsPerClientPerSecond(), Clock.systemUTC(), meters);
    }

    AuditLog(int maxPerTypePerSecond, int maxPerClientPerSecond, Clock clock, MeterRegistry meters) {
        this.maxPerTypePerSecond = maxPerTypePerSecond;
        this.maxPerClientPerSecond = maxPerClientPerSecond;
        this.clock = clock;
        this.meters = meters;
    }

    /** A change made through the management API or the console: always written. */
    public void change(String event, String actor, Map<String, ?> details) {
        reportSuppressed();
        write(event, actor, details);
    }

    /** Something an authenticated caller was refused or did on a request (e.g. {@code scope.denied}): always written. */
    public void callerEvent(String event, Map<String, ?> details) {
        reportSuppressed();
        write(event, null, details);
    }

    /**
     * An event an unauthenticated client can cause on every request ({@code auth.failed}, {@code auth.throttled}):
     * written within the budgets of its type and of its client address, counted otherwise.
     */
    public void clientEvent(String event, String client, Map<String, ?> details) {
        synchronized (this) {
            startWindow();
            int ofType = writtenByType.getOrDefault(event, 0);
            String clientKey = client == null ? "unknown" : client;
            Integer ofClient = writtenByClient.get(clientKey);
            boolean tooManyClients = ofClient == null && writtenByClient.size() >= MAX_CLIENTS_PER_SECOND;
            if (ofType >= maxPerTypePerSecond || tooManyClients || ofClient != null && ofClient >= maxPerClientPerSecond) {
                suppressed.merge(event, 1L, Long::sum);
                suppressedCounters.computeIfAbsent(event, type -> Counter.builder("gateway.audit.suppressed").tag("type", type)
                        .description("Audit events of unauthenticated clients dropped beyond their budgets").register(meters)).increment();
                return;
            }
            writtenByType.put(event, ofType + 1);
            writtenByClient.put(clientKey, ofClient == null ? 1 : ofClient + 1);
        }
        reportSuppressed();
        write(event, null, details);
    }

    /** Writes the counts of the seconds that are over; called by every event and once a second by a timer. */
    void reportSuppressed() {
        Map<String, Long> report;
        synchronized (this) {
            startWindow();
            if (overdue.isEmpty()) {
                return;
            }
            report = new LinkedHashMap<>(overdue);
            overdue.clear();
        }
        report.forEach((event, count) -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("type", event);
            details.put("count", count);
            write("audit.suppressed", null, details);
        });
    }

    /** Opens a new one-second window when the clock has moved on; the caller holds the lock. */
    private void startWindow() {
        long second = clock.millis() / 1000;
        if (second != windowSecond) {
            windowSecond = second;
            writtenByType.clear();
            writtenByClient.clear();
            closeWindow();
        }
    }

    /** The window's drops become due for the report; the caller holds the lock. */
    private void closeWindow() {
        suppressed.forEach((event, count) -> overdue.merge(event, count, Long::sum));
        suppressed.clear();
    }

    void start(@Observes StartupEvent startup, Vertx vertx) {
        timerId = vertx.setPeriodic(1000, id -> reportSuppressed());
    }

    void stop(@Observes ShutdownEvent shutdown, Vertx vertx) {
        vertx.cancelTimer(timerId);
        synchronized (this) {
            closeWindow();
        }
        reportSuppressed();
    }

    /**
     * The fields of an authentication attempt: the listener, the client's address and, when account credentials were
     * presented, the username. Never the password or key; and a username is written only when it has the shape of
     * one, not of a token value (a token sent as {@code <value>:tokne} would otherwise land in the log): else
     * {@value #WITHHELD}.
     */
    public static Map<String, Object> attempt(String listener, String client, String username) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("listener", listener);
        details.put("client", client == null ? "unknown" : client);
        if (username != null) {
            details.put("username", Names.isName(username) && !TokenValues.hasTheShape(username) ? username : WITHHELD);
        }
        return details;
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
