package io.logstokengateway.scope;

/**
 * Why a request, or part of it, cannot be proven to stay within the service's indices (a 403), or cannot be read at
 * all (a 400). Thrown anywhere in the scoping code and turned into a {@link Decision.Deny} or
 * {@link BodyRule.BodyVerdict.Deny} at the edge; the message is shown to the client, so it names what was refused
 * and never anything secret.
 */
public final class ScopeRefusal extends RuntimeException {

    private final boolean malformed;

    public ScopeRefusal(String reason) {
        this(reason, false);
    }

    private ScopeRefusal(String reason, boolean malformed) {
        super(reason, null, false, false);
        this.malformed = malformed;
    }

    /** A request the upstream would not understand either (an unknown or repeated parameter, a bad escape): a 400. */
    static ScopeRefusal malformed(String reason) {
        return new ScopeRefusal(reason, true);
    }

    /** 400 for a malformed request, 403 for one that would reach beyond the service's indices. */
    public int status() {
        return malformed ? 400 : 403;
    }
}
