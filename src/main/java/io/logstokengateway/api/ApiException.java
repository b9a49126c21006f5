package io.logstokengateway.api;

/** A refusal decided by the API layer itself (authentication, visibility, body shape); the message is caller-safe. */
public final class ApiException extends RuntimeException {

    private final int status;

    private ApiException(int status, String message) {
        // No stack trace: these are expected answers, not faults.
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Always the same words whatever went wrong, so the answer is no oracle for guessing credentials. */
    static ApiException unauthorized() {
        return new ApiException(401, "Authentication required: the service's account credentials (Basic) or the operator key (Bearer)");
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
