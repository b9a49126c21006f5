package io.logstokengateway.scope;

import io.logstokengateway.scope.BodyRule.BodyVerdict;
import io.logstokengateway.scope.LineRule.LineVerdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs a {@link LineRule} over a whole body the way the gateway streams it (line by line, unread lines passed as they
 * are), for tests that look at a body's fate at once: the bytes forwarded, or the refusal.
 */
public final class WholeBody {

    private WholeBody() {
    }

    /**
     * The verdict on {@code body} for a decision that reads it, whole ({@link Decision.ForwardCheckedBody}) or line by
     * line ({@link Decision.ForwardCheckedLines}).
     */
    public static BodyVerdict check(Decision decision, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (decision instanceof Decision.ForwardCheckedLines lines) {
            return check(lines.rule(), bytes);
        }
        if (decision instanceof Decision.ForwardCheckedBody checked) {
            return checked.rule().check(bytes);
        }
        throw new AssertionError("this decision reads no body: " + decision);
    }

    /** Accept with the bytes forwarded, or Deny / Answer; a line asking for a newer catalog is an error here. */
    public static BodyVerdict check(LineRule rule, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        while (from < body.length) {
            int newline = indexOf(body, from);
            boolean terminated = newline >= 0;
            int end = terminated ? newline : body.length;
            if (!rule.nextLineChecked()) {
                out.write(body, from, (terminated ? end + 1 : end) - from);
                rule.passed();
            } else {
                byte[] line = java.util.Arrays.copyOfRange(body, from, end);
                LineVerdict verdict = rule.check(line, terminated);
                if (!(verdict instanceof LineVerdict.Forward forward)) {
                    return asBodyVerdict(verdict);
                }
                out.writeBytes(forward.bytes());
            }
            from = terminated ? end + 1 : end;
        }
        LineVerdict end = rule.end();
        if (!(end instanceof LineVerdict.Forward forward)) {
            return asBodyVerdict(end);
        }
        out.writeBytes(forward.bytes());
        return new BodyVerdict.Accept(out.toByteArray(), null, rule.response(), false);
    }

    private static BodyVerdict asBodyVerdict(LineVerdict verdict) {
        if (verdict instanceof LineVerdict.Deny deny) {
            return new BodyVerdict.Deny(deny.status(), deny.reason());
        }
        if (verdict instanceof LineVerdict.Answer answer) {
            return new BodyVerdict.Answer(answer.status(), answer.body());
        }
        throw new AssertionError("a line asked for a newer catalog: " + verdict);
    }

    private static int indexOf(byte[] body, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
