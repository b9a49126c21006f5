package io.logstokengateway.scope;

/** What the gateway does with one search API request, given who sends it. */
public sealed interface Decision {

    /** Forward, to this path and query (rebuilt from the gateway's own reading), and treat the answer so. */
    record Forward(String pathAndQuery, ResponseRule response) implements Decision {
        public Forward(String pathAndQuery) {
            this(pathAndQuery, ResponseRule.RELAY);
        }
    }

    /**
     * Read the body whole first; the rule accepts it (possibly rewritten, or to another path), refuses it, or answers
     * for the upstream. The path and query are those of an accepted body unless the verdict says otherwise.
     */
    record ForwardCheckedBody(String pathAndQuery, BodyRule rule) implements Decision {
    }

    /**
     * Check the body line by line as it streams ({@link LineRule}), forwarding each line once it passed (or as it
     * comes, for the lines the rule does not read).
     */
    record ForwardCheckedLines(String pathAndQuery, LineRule rule) implements Decision {
    }

    /** Refuse: 403 {@code security_exception} when it would reach beyond the service, 400 when it is malformed. */
    record Deny(int status, String reason) implements Decision {
        public Deny(String reason) {
            this(403, reason);
        }
    }

    /**
     * Answer without forwarding, as the upstream answers the same request: a search context id that does not open
     * (forged, altered, expired, another service's) is answered as one the upstream no longer holds.
     */
    record Answer(int status, String body) implements Decision {
    }

    /** The index catalog was read before the request arrived and does not know a name it uses: decide again on a new one. */
    record ReadCatalogAgain() implements Decision {
    }
}
