package io.logstokengateway.scope;

/** What the gateway does with one search API request, given who sends it. */
public sealed interface Decision {

    /** Forward, to this path and query (the request's own, or narrowed to the service's indices). */
    record Forward(String pathAndQuery) implements Decision {
    }

    /**
     * Forward to this path and query once the body, read whole, has passed the rule (which may rewrite it, or, with
     * {@link BodyRule.BodyVerdict.AcceptWithPath}, send it to another path).
     */
    record ForwardCheckedBody(String pathAndQuery, BodyRule rule) implements Decision {
    }

    /** Refuse with a 403 {@code security_exception}; the reason says what was refused and why. */
    record Deny(String reason) implements Decision {
    }
}
