package io.logstokengateway.proxy;

/** A request the gateway answers itself instead of forwarding. */
record Refusal(int status, String type, String reason) {

    static Refusal forbidden(String reason) {
        return new Refusal(403, "security_exception", reason);
    }

    static Refusal badRequest(String reason) {
        return new Refusal(400, "illegal_argument_exception", reason);
    }
}
