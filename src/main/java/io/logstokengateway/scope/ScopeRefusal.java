package io.logstokengateway.scope;

/**
 * Why a request, or part of it, cannot be proven to stay within the service's indices. Thrown anywhere in the
 * scoping code and turned into a {@link Decision.Deny} or {@link BodyRule.BodyVerdict.Deny} at the edge; the
 * message is shown to the client, so it names what was refused and never anything secret.
 */
public final class ScopeRefusal extends RuntimeException {

    public ScopeRefusal(String reason) {
        super(reason, null, false, false);
    }
}
