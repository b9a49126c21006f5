package io.logstokengateway.scope;

/** A check of a request body the gateway must read (NDJSON of {@code _msearch} and {@code _bulk}, {@code _mget}, ...). */
@FunctionalInterface
public interface BodyRule {

    /** The body to forward (as received, or narrowed), or a refusal. Must not throw on malformed input: refuse it. */
    BodyVerdict check(byte[] body);

    sealed interface BodyVerdict {
        record Accept(byte[] body) implements BodyVerdict {
        }

        /**
         * Accept, but forward to this path and query instead of the decision's. Only an index-less search whose
         * body turns out to search a point in time gets it: the decision's path was narrowed to the service's
         * indices before the body was read, and Elasticsearch refuses a point-in-time search that names indices
         * (the point in time carries its own).
         */
        record AcceptWithPath(byte[] body, String pathAndQuery) implements BodyVerdict {
        }

        record Deny(String reason) implements BodyVerdict {
        }
    }
}
