package io.logstokengateway.error;

import java.util.Optional;

/**
 * A request the gateway answers with an error rather than a result, thrown by the registry, authentication and the
 * limits alike. Its {@link Kind} says what went wrong in terms every edge understands; each edge maps it once to its
 * own dialect (OVHcloud JSON in {@code api.ApiExceptionMappers}, HTML in {@code console.ConsoleWeb}, Elasticsearch and
 * Graylog JSON in {@code proxy.Refusal}). {@link #clientMessage()} is safe to show: it never quotes a secret or the
 * request body. Expected refusals carry no stack trace; a fault of ours ({@link Kind#UNAVAILABLE}) keeps its cause.
 */
public class GatewayError extends RuntimeException {

    /** What went wrong, with the HTTP status every edge answers for it. */
    public enum Kind {
        /** The request itself is wrong: a value refused, a body malformed. */
        INVALID(400),
        /** No credentials, or wrong ones; answered the same whatever was wrong with them (no oracle). */
        UNAUTHENTICATED(401),
        FORBIDDEN(403),
        /** What the request names does not exist, or the caller may not see it. */
        NOT_FOUND(404),
        /** The request contradicts the current state (a name taken, a count reached). */
        CONFLICT(409),
        /** A bound was reached; waiting may help ({@link #retryAfterSeconds()}). */
        LIMITED(429),
        /** Something the gateway depends on failed: not the client's doing. */
        UNAVAILABLE(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;

    public GatewayError(Kind kind, String clientMessage) {
        super(clientMessage, null, false, false);
        this.kind = kind;
    }

    /** A failure with a cause worth keeping; {@code message} goes to the log, see {@link #clientMessage()}. */
    protected GatewayError(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static GatewayError invalid(String clientMessage) {
        return new GatewayError(Kind.INVALID, clientMessage);
    }

    public static GatewayError forbidden(String clientMessage) {
        return new GatewayError(Kind.FORBIDDEN, clientMessage);
    }

    /** "{@code what} does not exist". */
    public static GatewayError notFound(String what) {
        return new GatewayError(Kind.NOT_FOUND, what + " does not exist");
    }

    public static GatewayError conflict(String clientMessage) {
        return new GatewayError(Kind.CONFLICT, clientMessage);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return kind.status;
    }

    /** Whole seconds to announce in {@code Retry-After}, when waiting helps. */
    public Optional<Long> retryAfterSeconds() {
        return Optional.empty();
    }

    /** What the client is told. */
    public String clientMessage() {
        return getMessage();
    }
}
