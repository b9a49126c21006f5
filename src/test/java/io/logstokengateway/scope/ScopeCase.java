package io.logstokengateway.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.logstokengateway.scope.BodyRule.BodyVerdict;
import java.nio.charset.StandardCharsets;

/** One row of a scoping table: a request (with its body, if the gateway must read it) and the outcome expected. */
record ScopeCase(String method, String target, String body, Expected expected) {

    sealed interface Expected {
    }

    /** Forwarded without reading the body, to this path and query. */
    record Forwarded(String pathAndQuery) implements Expected {
    }

    /** Forwarded to this path once the body passes; the body goes on as {@code forwardedBody} (null: unchanged). */
    record Checked(String pathAndQuery, String forwardedBody) implements Expected {
    }

    /** The body passes, but the request goes to another path (a point-in-time search). */
    record Redirected(String pathAndQuery, String bodyPathAndQuery) implements Expected {
    }

    /** Refused before the body is read, with a reason containing this text. */
    record Refused(String reasonPart) implements Expected {
    }

    /** Refused once the body is read. */
    record BodyRefused(String reasonPart) implements Expected {
    }

    static ScopeCase forward(String method, String target, String expected) {
        return new ScopeCase(method, target, "", new Forwarded(expected));
    }

    static ScopeCase checked(String method, String target, String expected) {
        return new ScopeCase(method, target, "", new Checked(expected, null));
    }

    static ScopeCase checked(String method, String target, String body, String expected) {
        return new ScopeCase(method, target, body, new Checked(expected, null));
    }

    static ScopeCase rewritten(String method, String target, String body, String expected, String expectedBody) {
        return new ScopeCase(method, target, body, new Checked(expected, expectedBody));
    }

    static ScopeCase redirected(String method, String target, String body, String expected, String bodyPath) {
        return new ScopeCase(method, target, body, new Redirected(expected, bodyPath));
    }

    static ScopeCase deny(String method, String target, String reasonPart) {
        return new ScopeCase(method, target, "", new Refused(reasonPart));
    }

    static ScopeCase bodyDenied(String method, String target, String body, String reasonPart) {
        return new ScopeCase(method, target, body, new BodyRefused(reasonPart));
    }

    /** NDJSON: each line followed by a newline. */
    static String ndjson(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    void verify(ServiceScope scope) {
        Decision decision = ScopeFixtures.decide(method, target, scope);
        if (expected instanceof Forwarded forwarded) {
            assertEquals(forwarded.pathAndQuery(), assertInstanceOf(Decision.Forward.class, decision, decision::toString).pathAndQuery());
        } else if (expected instanceof Refused refused) {
            assertReason(refused.reasonPart(), assertInstanceOf(Decision.Deny.class, decision).reason());
        } else if (decision instanceof Decision.ForwardCheckedLines lines) {
            verifyBody(lines.pathAndQuery(), WholeBody.check(decision, body));
        } else {
            Decision.ForwardCheckedBody checked = assertInstanceOf(Decision.ForwardCheckedBody.class, decision, decision::toString);
            verifyBody(checked.pathAndQuery(), WholeBody.check(decision, body));
        }
    }

    private void verifyBody(String decidedPath, BodyVerdict verdict) {
        if (expected instanceof Checked checked) {
            assertEquals(checked.pathAndQuery(), decidedPath);
            BodyVerdict.Accept accept = assertInstanceOf(BodyVerdict.Accept.class, verdict, verdict::toString);
            assertEquals(null, accept.pathAndQuery(), "forwarded to the decision's path");
            String forwarded = new String(accept.body(), StandardCharsets.UTF_8);
            assertEquals(checked.forwardedBody() == null ? body : checked.forwardedBody(), forwarded);
        } else if (expected instanceof Redirected redirected) {
            assertEquals(redirected.pathAndQuery(), decidedPath);
            BodyVerdict.Accept accept = assertInstanceOf(BodyVerdict.Accept.class, verdict, verdict::toString);
            assertEquals(redirected.bodyPathAndQuery(), accept.pathAndQuery());
        } else if (expected instanceof BodyRefused refused) {
            assertReason(refused.reasonPart(), assertInstanceOf(BodyVerdict.Deny.class, verdict, verdict::toString).reason());
        } else {
            throw new AssertionError(expected);
        }
    }

    private static void assertReason(String part, String reason) {
        assertTrue(reason.contains(part), () -> "reason [" + reason + "] should contain [" + part + "]");
    }

    @Override
    public String toString() {
        String shown = method + " " + target;
        return body.isEmpty() ? shown : shown + " " + body.replace("\n", "\\n");
    }
}
