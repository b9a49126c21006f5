package io.logstokengateway.auth;

import io.logstokengateway.registry.Tokens;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps each token's {@code lastUsedAt} up to date without a database write per request: uses are noted in memory
 * and written in one batch every {@link #FLUSH_INTERVAL}.
 */
@ApplicationScoped
public class TokenUsage {

    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(TokenUsage.class);

    private final ConcurrentHashMap<String, Long> lastUseMillis = new ConcurrentHashMap<>();
    private final Tokens tokens;
    private final Vertx vertx;
    private long timerId = -1;

    public TokenUsage(Tokens tokens, Vertx vertx) {
        this.tokens = tokens;
        this.vertx = vertx;
    }

    void used(String tokenId, long nowMillis) {
        // Most uses fall in a millisecond already noted: read first, so the event loops do not all write one entry.
        Long noted = lastUseMillis.get(tokenId);
        if (noted == null || noted != nowMillis) {
            lastUseMillis.put(tokenId, nowMillis);
        }
    }

    void start(@Observes StartupEvent startup) {
        timerId = vertx.setPeriodic(FLUSH_INTERVAL.toMillis(), id -> vertx.executeBlocking(this::flush, false)
                .onFailure(e -> LOG.warnf("Could not record token use: %s", e.getMessage())));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(timerId);
        flush();
    }

    /** Writes what was noted since the last flush; blocking. */
    public Void flush() {
        if (lastUseMillis.isEmpty()) {
            return null;
        }
        Map<String, Instant> batch = new HashMap<>();
        for (String tokenId : lastUseMillis.keySet()) {
            Long millis = lastUseMillis.remove(tokenId);
            if (millis != null) {
                batch.put(tokenId, Instant.ofEpochMilli(millis));
            }
        }
        tokens.recordTokenUse(batch);
        return null;
    }
}
