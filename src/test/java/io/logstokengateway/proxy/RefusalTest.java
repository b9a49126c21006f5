package io.logstokengateway.proxy;

import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.limits.LimitExceeded;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The proxy listeners' answers to the error model, as Elasticsearch clients parse them. */
class RefusalTest {

    @Test
    void eachLimitIsAnsweredWithItsOwnStatusAndElasticsearchType() {
        assertEquals(new Refusal(429, "too_many_requests", "r", Outcome.LIMITED), Refusal.of(new LimitExceeded("requests-per-caller", 429, Duration.ofSeconds(1), "r")));
        assertEquals(new Refusal(503, "unavailable_exception", "r", Outcome.LIMITED), Refusal.of(new LimitExceeded("held-bodies", 503, Duration.ofSeconds(1), "r")));
        assertEquals(new Refusal(408, "timeout_exception", "r", Outcome.LIMITED), Refusal.of(new LimitExceeded("body-idle-timeout", 408, null, "r")));
        assertEquals(new Refusal(413, "content_too_long_exception", "r", Outcome.LIMITED), Refusal.of(new LimitExceeded("max-checked-line", 413, null, "r")));
        assertEquals(new Refusal(400, "illegal_argument_exception", "r", Outcome.LIMITED), Refusal.of(new LimitExceeded("max-index-names", 400, null, "r")));
    }

    @Test
    void authenticationRefusalsAreWordedForTheProxyPorts() {
        assertEquals(Refusal.UNAUTHENTICATED, Refusal.of(new GatewayError(GatewayError.Kind.UNAUTHENTICATED, "any words")));
        assertEquals(new Refusal(429, "too_many_requests", "too many failed authentication attempts: try again in 3 seconds",
                Outcome.THROTTLED),
                Refusal.of(new Authenticator.Throttled("logs-user", Duration.ofMillis(2500))));
    }

    @Test
    void aRegistryFailureSaysOnlyThatCredentialsCannotBeChecked() {
        assertEquals(Refusal.CANNOT_AUTHENTICATE, Refusal.of(new GatewayError(GatewayError.Kind.UNAVAILABLE, "SQLState 08006")));
    }
}
