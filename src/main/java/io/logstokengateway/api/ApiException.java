package io.logstokengateway.api;

/** A refusal decided by the API layer itself (authentication, visibility, body shape); the message is caller-safe. */
public final class ApiException extends RuntimeException {

    private final int status;
    /** Seconds to announce in {@code Retry-After}; 0 for none. */
    private final long retryAfterSeconds;

    private ApiException(int status, String message) {
        this(status, message, 0);
    }

    private ApiException(int status, String message, long retryAfterSeconds) {
        // No stack trace: these are expected answers, not faults.
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Always the same words whatever went wrong, so the answer is no oracle for guessing credentials. */
    static ApiException unauthorized() {
        return new ApiException(401, "Authentication required: the service's account credentials (Basic) or the operator key (Bearer)");
    }

    /** Too many failed password or key checks from this client or for this username: no check was made. */
    static ApiException throttled(long retryAfterSeconds) {
        return new ApiException(429, "Too many failed authentication attempts: try again in " + retryAfterSeconds + " seconds",
                retryAfterSeconds);
    }

    /** A {@code gateway.limits} bound was reached: 429 or 503 with the time to wait, as the limit says. */
    static ApiException limitReached(io.logstokengateway.limits.LimitExceeded reached) {
        return new ApiException(reached.status(), reached.getMessage(), reached.retryAfterSeconds().orElse(0L));
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /** An absent body arrives as {@code null}: answer 400 rather than fail further in. */
    static <T> T requireBody(T body) {
        if (body == null) {
            throw badRequest("A JSON object body is required");
        }
        return body;
    }
}
