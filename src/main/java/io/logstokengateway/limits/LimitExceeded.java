package io.logstokengateway.limits;

import io.logstokengateway.error.GatewayError;

import java.time.Duration;
import java.util.Optional;

/**
 * A request refused because one of the {@code gateway.limits.*} bounds was reached. Carries what the client is told:
 * the status (429 when the client itself is over its share, 503 when the gateway as a whole is, 413, 408 or 400 when
 * the request is too big or too slow), when to try again if waiting helps, and a reason that names the limit.
 */
public final class LimitExceeded extends GatewayError {

    private final String limit;
    private final int status;
    private final Duration retryAfter;

    /**
     * @param limit      the property under {@code gateway.limits}, e.g. {@code password-check-queue}
     * @param retryAfter when waiting helps, how long; {@code null} otherwise
     */
    public LimitExceeded(String limit, int status, Duration retryAfter, String reason) {
        super(Kind.LIMITED, reason);
        this.limit = limit;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public String limit() {
        return limit;
    }

    @Override
    public int status() {
        return status;
    }

    /** Whole seconds to wait, at least one, when waiting helps. */
    @Override
    public Optional<Long> retryAfterSeconds() {
        return Optional.ofNullable(retryAfter).map(wait -> Math.max(1, (wait.toMillis() + 999) / 1000));
    }
}
