package io.logstokengateway.scope;

/**
 * The check of an NDJSON body ({@code _bulk}, {@code _msearch}) line by line, as it streams, so that such a body is
 * never held whole: the lines that say where things go (bulk actions, search headers and search lines) are read whole
 * and checked; bulk documents pass through as they come, unread. One rule serves one request, in order: it keeps the
 * state between lines (which line comes next, the pending header, the new indices seen so far).
 */
public interface LineRule {

    /** Whether the next line must be read whole and {@link #check}ed; otherwise it passes through as it streams. */
    boolean nextLineChecked();

    /**
     * Checks one whole line (without its newline; {@code terminated} when a newline ended it) and says what to send in
     * its place. Must not throw on malformed input: refuse it.
     */
    LineVerdict check(byte[] line, boolean terminated);

    /** A line passed through unchecked (a bulk document). */
    void passed();

    /** The body ended: what is left to send, or why the body as a whole is refused. */
    LineVerdict end();

    /** What to do with the answer; final once the body has ended. */
    ResponseRule response();

    /** Decide the following lines (and the one just refused with {@link LineVerdict.ReadCatalogAgain}) on this catalog. */
    void useCurrentCatalog(IndexCatalog catalog);

    /** What becomes of one line. */
    sealed interface LineVerdict {

        /** Send these bytes (the line as received or rewritten, with its newline; possibly nothing yet). */
        record Forward(byte[] bytes) implements LineVerdict {
        }

        /** Refuse the whole request (the status of {@link Decision.Deny}). */
        record Deny(int status, String reason) implements LineVerdict {
        }

        /** Answer the whole request without the upstream, as {@link Decision.Answer}. */
        record Answer(int status, String body) implements LineVerdict {
        }

        /** The line names something the catalog does not know: read a current one, then check the line again. */
        record ReadCatalogAgain() implements LineVerdict {
        }
    }
}
