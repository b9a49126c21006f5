package io.logstokengateway.registry;

/** A request the registry refuses; the message is safe to show to the caller. */
public class RegistryException extends RuntimeException {

    public enum Reason { BAD_REQUEST, NOT_FOUND, CONFLICT }

    private final Reason reason;

    public RegistryException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static RegistryException notFound(String what) {
        return new RegistryException(Reason.NOT_FOUND, what + " does not exist");
    }

    static RegistryException badRequest(String message) {
        return new RegistryException(Reason.BAD_REQUEST, message);
    }
}
