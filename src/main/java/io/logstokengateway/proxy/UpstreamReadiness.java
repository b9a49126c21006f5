package io.logstokengateway.proxy;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * Whether a proxy listener has at least one upstream that answers HTTP, one check per listener, so that a load
 * balancer in front of one port follows that port's upstream only: {@code /q/health/group/search} and
 * {@code /q/health/group/graylog}. {@code /q/health/ready} fails on the search upstream only; an unreachable Graylog
 * is reported there as {@code degraded}, not as a failure, as the search API still works without it.
 */
public abstract class UpstreamReadiness implements AsyncHealthCheck {

    private final ProxyListeners listeners;
    private final String listener;
    private final boolean failsWhenUnreachable;

    UpstreamReadiness(ProxyListeners listeners, String listener, boolean failsWhenUnreachable) {
        this.listeners = listeners;
        this.listener = listener;
        this.failsWhenUnreachable = failsWhenUnreachable;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        UpstreamClient client = listeners.upstreams().get(listener);
        Future<HealthCheckResponse> result = client == null
                ? Future.succeededFuture(HealthCheckResponse.down(listener + "-upstream")) // listeners not started yet
                : client.probe().map(this::report);
        return Uni.createFrom().completionStage(result.toCompletionStage());
    }

    private HealthCheckResponse report(Map<String, Boolean> reachable) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(listener + "-upstream").up();
        reachable.forEach((url, up) -> builder.withData(url, up ? "reachable" : "unreachable"));
        boolean any = reachable.containsValue(true);
        if (!failsWhenUnreachable) {
            builder.withData("state", any ? "ok" : "degraded");
        } else if (!any) {
            builder.down();
        }
        return builder.build();
    }

    /** The search API's upstream: the node is not ready without it. */
    @Readiness
    @HealthGroup("search")
    @Singleton
    public static class Search extends UpstreamReadiness {
        public Search(ProxyListeners listeners) {
            super(listeners, "elasticsearch", true);
        }
    }

    /** The Graylog API's upstream, for a load balancer in front of the Graylog port. */
    @HealthGroup("graylog")
    @Singleton
    public static class Graylog extends UpstreamReadiness {
        public Graylog(ProxyListeners listeners) {
            super(listeners, "graylog", true);
        }
    }

    /** The same upstream in the node's overall readiness: reported, never failing. */
    @Readiness
    @Singleton
    public static class GraylogDegraded extends UpstreamReadiness {
        public GraylogDegraded(ProxyListeners listeners) {
            super(listeners, "graylog", false);
        }
    }
}
