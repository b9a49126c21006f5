package io.logstokengateway.proxy;

/** A request the gateway answers itself instead of forwarding. */
record Refusal(int status, String type, String reason) {

    /** The same answer whatever was wrong with the credentials (no oracle). */
    static final Refusal UNAUTHENTICATED = new Refusal(401, "security_exception",
            "authentication required: use an API token (<token>:token) or the account's credentials");

    static Refusal forbidden(String reason) {
        return new Refusal(403, "security_exception", reason);
    }

    /** Account credentials refused unchecked: too many failed checks from this client or for this username. */
    static Refusal throttled(long retryAfterSeconds) {
        return new Refusal(429, "too_many_requests", "too many failed authentication attempts: try again in "
                + retryAfterSeconds + " seconds");
    }

    static Refusal badRequest(String reason) {
        return new Refusal(400, "illegal_argument_exception", reason);
    }
}
