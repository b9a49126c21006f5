package io.logstokengateway.scope;

import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.scope.LineRule.LineVerdict;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/** What the line rules share: turning refusals into verdicts, and the bytes of a line forwarded as it came. */
final class Lines {

    private static final Logger LOG = Logger.getLogger(Lines.class);
    static final LineVerdict NOTHING_MORE = new LineVerdict.Forward(new byte[0]);

    private Lines() {
    }

    /** Runs a check, turning a refusal into a verdict, and a name the catalog does not know into a request to read it. */
    static LineVerdict verdict(Supplier<LineVerdict> check) {
        try {
            return check.get();
        } catch (ScopeRefusal refusal) {
            return new LineVerdict.Deny(refusal.status(), refusal.getMessage());
        } catch (IndexScoping.CatalogTooOld tooOld) {
            return new LineVerdict.ReadCatalogAgain();
        } catch (LimitExceeded reached) {
            throw reached; // answered as the limit says, by whoever drives the rule
        } catch (RuntimeException defect) {
            // a defect in the rules must neither let the line through nor leave the client hanging
            LOG.warnf(defect, "A request body line could not be checked");
            return new LineVerdict.Deny(403, "the request body could not be checked");
        }
    }

    /** The line as received, with its newline if it had one. */
    static LineVerdict asReceived(byte[] line, boolean terminated) {
        if (!terminated) {
            return new LineVerdict.Forward(line);
        }
        byte[] out = java.util.Arrays.copyOf(line, line.length + 1);
        out[line.length] = '\n';
        return new LineVerdict.Forward(out);
    }

    /** A line that must not be blank: Elasticsearch skips blank lines, which would shift how the others pair up. */
    static void requireNotBlank(byte[] line, int lineNumber) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return;
            }
        }
        throw new ScopeRefusal("line " + lineNumber + " of the request body is blank");
    }
}
