package io.logstokengateway.scope;

/**
 * What the gateway does to the upstream's answer before the client sees it: most answers are relayed untouched;
 * answers that carry search context ids have them sealed as they stream ({@link SearchContexts}), and listings that
 * can name another tenant's aliases are read whole and filtered ({@link AliasListings}).
 */
@FunctionalInterface
public interface ResponseRule {

    /** Relay every answer as it comes. */
    ResponseRule RELAY = status -> null;

    /** The transform for one answer with this status, or {@code null} to relay it untouched. */
    Transform forAnswer(int status);

    /** Rewrites one answer's body; the answer is JSON and was asked for without compression. */
    interface Transform {

        /** The bytes to send for this piece of the body (possibly none yet, or {@code in} itself). */
        byte[] chunk(byte[] in);

        /** The bytes to send once the body has ended. Throws when the body cannot be rewritten. */
        byte[] end();

        /** Whether the whole body is needed before anything is sent (so the head waits for the end too). */
        default boolean buffered() {
            return false;
        }
    }
}
