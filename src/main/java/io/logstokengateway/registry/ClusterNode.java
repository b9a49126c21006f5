package io.logstokengateway.registry;

import io.logstokengateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This gateway node among those sharing the registry. It announces itself, applies the revocations other nodes
 * made (so their cached credentials are refused here too), acknowledges them, and completes the operations every
 * live node has acknowledged.
 */
@ApplicationScoped
public class ClusterNode {

    private static final Logger LOG = Logger.getLogger(ClusterNode.class);
    private static final Duration REVOCATION_RETENTION = Duration.ofDays(1);

    private final String nodeId = UUID.randomUUID().toString();
    private final AtomicBoolean polling = new AtomicBoolean();
    /** This node's clock ({@link System#nanoTime()}) when the last poll that applied every pending revocation began. */
    private final AtomicLong caughtUpAt = new AtomicLong();
    /** When this node first announced itself, on the database's clock. */
    private Instant startedAt;
    private final Jdbc jdbc;
    private final Vertx vertx;
    private final Event<Revocation> revocations;
    private final Duration pollInterval;
    private final Duration nodeTimeout;
    private long timerId = -1;

    public ClusterNode(Jdbc jdbc, Vertx vertx, Event<Revocation> revocations, GatewayConfig config) {
        this.jdbc = jdbc;
        this.vertx = vertx;
        this.revocations = revocations;
        this.pollInterval = config.cluster().pollInterval();
        this.nodeTimeout = config.cluster().nodeTimeout();
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * Whether this node may still answer from its credential caches: it has applied every revocation up to a
     * heartbeat recent enough that the other nodes still wait for it. Past that (registry unreachable), the others
     * complete their operations without this node, so it must stop trusting what it cached.
     */
    public boolean upToDate() {
        return System.nanoTime() - caughtUpAt.get() < nodeTimeout.minus(pollInterval).toNanos();
    }

    /**
     * Joins the cluster, as the application does when it starts: announces this node in the registry, then polls it
     * every {@code gateway.cluster.poll-interval} for revocations. Until then {@link #upToDate()} is false.
     */
    public void start(@Observes StartupEvent startup) {
        long began = System.nanoTime();
        startedAt = jdbc.inTransaction(c -> {
            Instant now = Jdbc.databaseNow(c).truncatedTo(ChronoUnit.MICROS);
            RevocationStore.heartbeat(c, nodeId, now);
            return now;
        });
        caughtUpAt.set(began); // nothing cached yet
        timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> {
            if (polling.compareAndSet(false, true)) {
                vertx.executeBlocking(this::poll, false).onComplete(done -> {
                    polling.set(false);
                    if (done.failed()) {
                        LOG.warnf("Registry poll failed: %s", done.cause().getMessage());
                    }
                });
            }
        });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(timerId);
        try {
            jdbc.inTransaction(c -> {
                RevocationStore.removeNode(c, nodeId);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debugf("Could not sign off from the registry: %s", e.getMessage());
        }
    }

    /** Marks as done the revocation operations that every live node has applied. */
    public void completeOperations() {
        jdbc.inTransaction(c -> {
            Instant now = Jdbc.databaseNow(c);
            return OperationStore.completeAcknowledged(c, now, now.minus(nodeTimeout));
        });
    }

    private Void poll() {
        long began = System.nanoTime();
        List<Revocation> pending = jdbc.inTransaction(c -> {
            RevocationStore.heartbeat(c, nodeId, startedAt);
            return RevocationStore.pendingFor(c, nodeId, startedAt);
        });
        for (Revocation revocation : pending) {
            revocations.fire(revocation); // forget first, acknowledge after
            jdbc.inTransaction(c -> {
                RevocationStore.acknowledge(c, revocation.revocationId(), nodeId);
                return null;
            });
        }
        caughtUpAt.set(began);
        completeOperations();
        if (Instant.now().getEpochSecond() % 60 == 0) {
            jdbc.inTransaction(c -> {
                Instant now = Jdbc.databaseNow(c);
                RevocationStore.prune(c, now.minus(nodeTimeout.multipliedBy(10)), now.minus(REVOCATION_RETENTION));
                return null;
            });
        }
        return null;
    }
}
