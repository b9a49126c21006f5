package io.logstokengateway.management;

import io.logstokengateway.api.ApiCallers;
import io.logstokengateway.api.ApiError;
import io.logstokengateway.auth.ClientAddress;
import io.logstokengateway.error.GatewayError;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.function.Function;

/**
 * Who may read what under {@code /q/health}. Without credentials (load balancers, Kubernetes probes) the answer is the
 * status alone, {@code {"status":"UP"}} or {@code DOWN} with the same 200 or 503 as the full report; the checks and
 * their data (upstream URLs and reachability) are for the operator, who sends the operator key, throttled like every
 * key check. Any other credentials get the admin API's refusals (401, 403, 429).
 */
@ApplicationScoped
public class HealthAccess {

    private static final Logger LOG = Logger.getLogger(HealthAccess.class);
    private static final String HEALTH = "/q/health";
    /** After {@link ManagementEdge}, before the health routes. */
    private static final int PRIORITY = ManagementEdge.PRIORITY - 1;

    private final SmallRyeHealthReporter reporter;
    private final ApiCallers callers;
    private final Vertx vertx;

    public HealthAccess(SmallRyeHealthReporter reporter, ApiCallers callers, Vertx vertx) {
        this.reporter = reporter;
        this.callers = callers;
        this.vertx = vertx;
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    private void handle(RoutingContext rc) {
        String path = rc.normalizedPath(); // what the router matches the health routes on
        if (!ManagementEdge.isUnder(path, HEALTH)) {
            rc.next();
            return;
        }
        String authorization = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            Function<SmallRyeHealthReporter, Uni<SmallRyeHealth>> probe = probe(path.substring(HEALTH.length()));
            if (probe == null) {
                rc.next(); // not a health endpoint: answered as any unknown path
            } else {
                statusOnly(rc, probe.apply(reporter));
            }
            return;
        }
        String client = ClientAddress.of(rc.request());
        vertx.executeBlocking(() -> callers.requireOperator(authorization, client), false).onComplete(checked -> {
            if (checked.succeeded()) {
                rc.next();
            } else if (checked.cause() instanceof GatewayError refused && refused.kind() != GatewayError.Kind.UNAVAILABLE) {
                ApiError error = ApiError.of(refused);
                JsonObject body = new JsonObject().put("class", error.errorClass()).put("message", error.message());
                refused.retryAfterSeconds().ifPresent(seconds -> rc.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
                if (refused.status() == 401) {
                    rc.response().putHeader("WWW-Authenticate", ApiError.BASIC_CHALLENGE);
                }
                rc.response().setStatusCode(refused.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
            } else {
                LOG.warnf("Cannot check the credentials of a health request: %s", checked.cause().getMessage());
                rc.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(new JsonObject().put("class", "Server::ServiceUnavailable")
                                .put("message", "The credentials cannot be checked right now").encode());
            }
        });
    }

    /** The report a health path asks for; {@code null} for a path that is none. */
    private static Function<SmallRyeHealthReporter, Uni<SmallRyeHealth>> probe(String rest) {
        String which = rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
        return switch (which) {
            case "" -> SmallRyeHealthReporter::getHealthAsync;
            case "/live" -> SmallRyeHealthReporter::getLivenessAsync;
            case "/ready" -> SmallRyeHealthReporter::getReadinessAsync;
            case "/started" -> SmallRyeHealthReporter::getStartupAsync;
            case "/well" -> SmallRyeHealthReporter::getWellnessAsync;
            case "/group" -> SmallRyeHealthReporter::getHealthGroupsAsync;
            default -> which.startsWith("/group/") && which.indexOf('/', 7) < 0
                    ? r -> r.getHealthGroupAsync(which.substring(7)) : null;
        };
    }

    private static void statusOnly(RoutingContext rc, Uni<SmallRyeHealth> health) {
        Context context = Vertx.currentContext();
        health.subscribe().with(
                report -> context.runOnContext(v -> answer(rc, report.isDown() ? "DOWN" : "UP")),
                failure -> context.runOnContext(v -> {
                    LOG.warnf("Health check failed: %s", failure.getMessage());
                    answer(rc, "DOWN");
                }));
    }

    private static void answer(RoutingContext rc, String status) {
        rc.response().setStatusCode("UP".equals(status) ? 200 : 503)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8")
                .end(new JsonObject().put("status", status).encode());
    }
}
