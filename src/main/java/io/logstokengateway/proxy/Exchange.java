package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.logstokengateway.limits.BodyBudget;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/** What the access log and the metrics record about one proxied request. */
final class Exchange {

    /** How a request ended, as the access log and the metrics name it. */
    enum Outcome {
        FORWARDED("forwarded"), REFUSED("refused"), UNAUTHENTICATED("unauthenticated"), THROTTLED("throttled"), LIMITED("limited"),
        REGISTRY_UNAVAILABLE("registry-unavailable"), UPSTREAM_FAILED("upstream-failed"), CLIENT_ABORTED("client-aborted");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    final String listener;
    final String method;
    final String path;
    final String clientAddress;
    final HttpConnection connection;
    final long startNanos = System.nanoTime();
    String serviceName;
    String tokenId;
    int status;
    Outcome outcome = Outcome.FORWARDED;
    /** Once the body is being read (checked or piped upstream), a refusal can no longer discard the rest of it. */
    boolean bodyTaken;
    /** What the gateway holds of this request's body, given back when the exchange ends. */
    BodyBudget.Hold hold;
    /** Whether the connection is closed once this request is answered (it was one connection too many). */
    boolean closeAfterAnswer;
    /** Whether the gateway reset the upstream request (a refused line, a stall, the client gone): not an upstream failure. */
    boolean upstreamAbandoned;
    /** Whether the request counts among its caller's requests under way (and must be counted out). */
    boolean counted;
    private boolean finished;

    Exchange(String listener, HttpServerRequest request) {
        this.listener = listener;
        this.method = request.method().name();
        this.path = request.path();
        this.clientAddress = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        this.connection = request.connection();
    }

    /** The caller the per-caller limits count: its token, or its service's account. */
    String callerKey() {
        return tokenId != null ? tokenId : "account:" + serviceName;
    }

    void caller(Caller caller) {
        this.serviceName = caller.serviceName();
        this.tokenId = caller.tokenId();
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** {@code true} the first time only: an exchange ends once, whether by its response or by a closed connection. */
    boolean finish(int status) {
        if (finished) {
            return false;
        }
        finished = true;
        this.status = status;
        return true;
    }
}
