package io.logstokengateway.scope;

/** A check of a request body the gateway must read (NDJSON of {@code _msearch} and {@code _bulk}, {@code _mget}, ...). */
@FunctionalInterface
public interface BodyRule {

    /** What to do with this body. Must not throw on malformed input: refuse it. */
    BodyVerdict check(byte[] body);

    sealed interface BodyVerdict {

        /**
         * Forward this body (as received, or rewritten) to {@code pathAndQuery} (null: the decision's path), and
         * treat the answer with {@code response}. {@code json}: the gateway wrote this body as JSON itself, so it is
         * sent as {@code application/json} whatever the client declared.
         */
        record Accept(byte[] body, String pathAndQuery, ResponseRule response, boolean json) implements BodyVerdict {
            public Accept(byte[] body) {
                this(body, null, ResponseRule.RELAY, false);
            }
        }

        /** Refuse, with the status of {@link Decision.Deny}. */
        record Deny(int status, String reason) implements BodyVerdict {
            public Deny(String reason) {
                this(403, reason);
            }
        }

        /** Answer without forwarding, as {@link Decision.Answer}. */
        record Answer(int status, String body) implements BodyVerdict {
        }

        /** As {@link Decision.ReadCatalogAgain}: check again once the index catalog has been read anew. */
        record ReadCatalogAgain() implements BodyVerdict {
        }
    }
}
