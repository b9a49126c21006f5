package io.logstokengateway.proxy;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/** Ready when each listener has at least one upstream that answers HTTP. */
@Readiness
@ApplicationScoped
public class UpstreamReadiness implements AsyncHealthCheck {

    private final ProxyListeners listeners;

    public UpstreamReadiness(ProxyListeners listeners) {
        this.listeners = listeners;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        List<String> names = List.copyOf(listeners.upstreams().keySet());
        List<Future<Map<String, Boolean>>> probes = names.stream().map(name -> listeners.upstreams().get(name).probe()).toList();
        Future<HealthCheckResponse> result = Future.join(probes).map(all -> {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("upstreams").up();
            for (int i = 0; i < names.size(); i++) {
                Map<String, Boolean> reachable = probes.get(i).result();
                reachable.forEach((url, up) -> builder.withData(url, up ? "reachable" : "unreachable"));
                if (!reachable.containsValue(true)) {
                    builder.down();
                }
            }
            return builder.build();
        });
        return Uni.createFrom().completionStage(result.toCompletionStage());
    }
}
