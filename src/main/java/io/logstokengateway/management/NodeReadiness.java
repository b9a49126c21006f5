package io.logstokengateway.management;

import io.logstokengateway.registry.ClusterNode;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.health.api.HealthGroup;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * What every listener needs of its node, in {@code /q/health/ready} and in each listener's group
 * ({@code search}, {@code graylog}, {@code management}).
 */
public final class NodeReadiness {

    private NodeReadiness() {
    }

    /**
     * The node has caught up with the registry recently enough to trust its caches ({@link ClusterNode#upToDate()}):
     * down when the registry has been out of reach for about {@code node-timeout}, when the node would refuse
     * every request anyway. A shorter outage leaves it ready: cached credentials still work.
     */
    @Readiness
    @HealthGroup("search")
    @HealthGroup("graylog")
    @HealthGroup("management")
    @Singleton
    public static class Registry implements HealthCheck {
        private final ClusterNode node;

        public Registry(ClusterNode node) {
            this.node = node;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("registry").status(node.upToDate()).withData("caught-up", node.upToDate()).build();
        }
    }

    /**
     * Down from the moment the node is asked to stop (SIGTERM), while it still serves for {@code quarkus.shutdown.delay},
     * so that load balancers send new requests elsewhere first. ({@code /q/health/ready} has Quarkus' own
     * "Graceful Shutdown" check for the same.)
     */
    @HealthGroup("search")
    @HealthGroup("graylog")
    @HealthGroup("management")
    @Singleton
    public static class Stopping implements HealthCheck {
        private volatile boolean stopping;

        void delayBegins(@Observes ShutdownDelayInitiatedEvent event) {
            stopping = true;
        }

        void stopsNow(@Observes @Priority(1) ShutdownEvent event) {
            stopping = true;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("shutdown").status(!stopping).build();
        }
    }
}
