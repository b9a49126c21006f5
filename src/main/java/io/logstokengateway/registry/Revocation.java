package io.logstokengateway.registry;

/** Something every node must forget at once: one token, or every credential of a service. */
public record Revocation(long revocationId, Kind kind, String serviceName, String tokenId) {

    public enum Kind {
        /** One token was deleted. */
        TOKEN,
        /** The service was deleted, disabled or changed: forget its tokens and account credentials. */
        SERVICE
    }
}
