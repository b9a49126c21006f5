package io.logstokengateway.scope;

/** A check of a request body the gateway must read (NDJSON of {@code _msearch} and {@code _bulk}, {@code _mget}, ...). */
@FunctionalInterface
public interface BodyRule {

    /** The body to forward (as received, or narrowed), or a refusal. Must not throw on malformed input: refuse it. */
    BodyVerdict check(byte[] body);

    sealed interface BodyVerdict {
        record Accept(byte[] body) implements BodyVerdict {
        }

        record Deny(String reason) implements BodyVerdict {
        }
    }
}
