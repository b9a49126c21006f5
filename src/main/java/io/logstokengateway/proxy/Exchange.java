package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.vertx.core.http.HttpServerRequest;

/** What the access log and the metrics record about one proxied request. */
final class Exchange {

    /** How a request ended, as the access log and the metrics name it. */
    enum Outcome {
        FORWARDED("forwarded"), REFUSED("refused"), UNAUTHENTICATED("unauthenticated"), THROTTLED("throttled"),
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
    final long startNanos = System.nanoTime();
    String serviceName;
    String tokenId;
    int status;
    Outcome outcome = Outcome.FORWARDED;
    /** Once the body is being read (checked or piped upstream), a refusal can no longer discard the rest of it. */
    boolean bodyTaken;
    private boolean finished;

    Exchange(String listener, HttpServerRequest request) {
        this.listener = listener;
        this.method = request.method().name();
        this.path = request.path();
        this.clientAddress = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
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
