package io.logstokengateway.proxy;

import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.error.GatewayError;

/**
 * A request the gateway answers itself instead of forwarding: a status, an Elasticsearch error type, a reason, and the
 * outcome the access log and the metrics give the exchange.
 */
record Refusal(int status, String type, String reason, Outcome outcome) {

    /** The same answer whatever was wrong with the credentials (no oracle). */
    static final Refusal UNAUTHENTICATED = new Refusal(401, "security_exception",
            "authentication required: use an API token (<token>:token) or the account's credentials", Outcome.UNAUTHENTICATED);

    /** Credentials could not be checked (the registry failed): not the client's doing. */
    static final Refusal CANNOT_AUTHENTICATE = new Refusal(503, "unavailable_exception", "the gateway cannot check credentials right now",
            Outcome.REGISTRY_UNAVAILABLE);

    /** What the client asked for, refused. */
    Refusal(int status, String type, String reason) {
        this(status, type, reason, Outcome.REFUSED);
    }

    static Refusal forbidden(String reason) {
        return new Refusal(403, "security_exception", reason);
    }

    static Refusal badRequest(String reason) {
        return new Refusal(400, "illegal_argument_exception", reason);
    }

    /** The upstream could not be reached, or failed before its answer's head. */
    static Refusal upstreamUnavailable(String reason) {
        return new Refusal(502, "upstream_unavailable", reason, Outcome.UPSTREAM_FAILED);
    }

    /**
     * The proxy listeners' one mapping of the error model (the {@link ErrorDialect} then writes it as Elasticsearch or
     * Graylog JSON). Authentication refusals are worded for these ports: which credentials they take, in Elasticsearch's
     * lower-case style. A failure of the registry can only have come while checking credentials.
     */
    static Refusal of(GatewayError error) {
        return switch (error.kind()) {
            case INVALID -> badRequest(error.clientMessage());
            case UNAUTHENTICATED -> UNAUTHENTICATED;
            case FORBIDDEN -> forbidden(error.clientMessage());
            case NOT_FOUND -> new Refusal(404, "resource_not_found_exception", error.clientMessage());
            case CONFLICT -> new Refusal(409, "status_exception", error.clientMessage());
            case LIMITED -> error instanceof Authenticator.Throttled
                    ? new Refusal(429, "too_many_requests", "too many failed authentication attempts: try again in "
                            + error.retryAfterSeconds().orElseThrow() + " seconds", Outcome.THROTTLED)
                    : new Refusal(error.status(), limitType(error.status()), error.clientMessage(), Outcome.LIMITED);
            case UNAVAILABLE -> CANNOT_AUTHENTICATE;
        };
    }

    private static String limitType(int status) {
        return switch (status) {
            case 429 -> "too_many_requests";
            case 503 -> "unavailable_exception";
            case 408 -> "timeout_exception";
            case 413 -> "content_too_long_exception";
            default -> "illegal_argument_exception";
        };
    }
}
