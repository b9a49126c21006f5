package io.logstokengateway.proxy;

import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.identity.UpstreamIdentity;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeoutException;

/**
 * The whole path of a proxied request, top to bottom: accept, authenticate, authorise, map the identity, forward
 * with the body streaming, stream the answer back, log. Runs on the event loop and never blocks it.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(ProxyHandler.class);

    private final String listener;
    private final ErrorDialect dialect;
    private final RoutePolicy policy;
    private final Authenticator authenticator;
    private final UpstreamIdentity identity;
    private final UpstreamClient upstream;
    private final ProxyMetrics metrics;

    ProxyHandler(String listener, ErrorDialect dialect, RoutePolicy policy, Authenticator authenticator,
                 UpstreamIdentity identity, UpstreamClient upstream, ProxyMetrics metrics) {
        this.listener = listener;
        this.dialect = dialect;
        this.policy = policy;
        this.authenticator = authenticator;
        this.identity = identity;
        this.upstream = upstream;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpServerRequest request) {
        // Hold the body until it has somewhere to go: authentication and connecting are asynchronous.
        request.pause();
        Exchange exchange = new Exchange(listener, request);
        HttpServerResponse response = request.response();
        response.endHandler(v -> finish(exchange, response.getStatusCode()));
        response.closeHandler(v -> {
            exchange.outcome = "client-aborted";
            finish(exchange, 499);
        });

        MultiMap headers = request.headers();
        if (headers.contains(HttpHeaders.TRANSFER_ENCODING) && headers.contains(HttpHeaders.CONTENT_LENGTH)) {
            refuse(request, exchange, "refused", Refusal.badRequest("Transfer-Encoding and Content-Length must not both be set"));
            return;
        }
        Refusal refusal = policy.beforeAuthentication(request);
        if (refusal != null) {
            refuse(request, exchange, "refused", refusal);
            return;
        }
        authenticator.authenticate(headers.get(HttpHeaders.AUTHORIZATION)).onComplete(authenticated -> {
            if (authenticated.failed()) {
                if (authenticated.cause() instanceof Authenticator.Unauthenticated) {
                    exchange.outcome = "unauthenticated";
                    afterRefusal(request, dialect.unauthorized(request));
                } else {
                    LOG.warnf("Cannot authenticate on %s: %s", listener, authenticated.cause().getMessage());
                    refuse(request, exchange, "registry-unavailable",
                            new Refusal(503, "unavailable_exception", "the gateway cannot check credentials right now"));
                }
                return;
            }
            Caller caller = authenticated.result();
            exchange.caller(caller);
            Refusal forbidden = policy.afterAuthentication(request, caller);
            if (forbidden != null) {
                refuse(request, exchange, "refused", forbidden);
                return;
            }
            forward(request, caller, exchange);
        });
    }

    private void forward(HttpServerRequest request, Caller caller, Exchange exchange) {
        long sentAt = System.nanoTime();
        upstream.open(request.method(), policy.upstreamUri(request)).onComplete(opened -> {
            if (opened.failed()) {
                LOG.debugf("No upstream of %s accepts connections: %s", listener, opened.cause().getMessage());
                refuse(request, exchange, "upstream-failed", new Refusal(502, "upstream_unavailable", "the upstream cannot be reached"));
                return;
            }
            HttpClientRequest upstreamRequest = opened.result();
            prepareHeaders(request, caller, upstreamRequest);
            request.response().closeHandler(v -> {
                exchange.outcome = "client-aborted";
                upstreamRequest.reset(); // the client went away: stop the upstream work too
                finish(exchange, 499);
            });
            upstreamRequest.response().onComplete(answered -> {
                if (answered.failed()) {
                    upstreamFailed(request, exchange, answered.cause());
                } else {
                    metrics.upstreamLatency(listener, System.nanoTime() - sentAt);
                    relay(request, answered.result(), exchange);
                }
            });
            if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
                request.response().writeContinue(); // authenticated and connected: the client may send its body now
            }
            request.pipeTo(upstreamRequest).onFailure(failure -> {
                LOG.debugf("Request body not forwarded on %s: %s", listener, failure.getMessage());
                upstreamRequest.reset();
            });
        });
    }

    private void prepareHeaders(HttpServerRequest request, Caller caller, HttpClientRequest upstreamRequest) {
        MultiMap out = upstreamRequest.headers();
        HopByHop.copyEndToEnd(request.headers(), out);
        identity.apply(caller, out);
        String client = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        String priorFor = request.getHeader("X-Forwarded-For");
        if (client != null) {
            out.set("X-Forwarded-For", priorFor == null ? client : priorFor + ", " + client);
        }
        out.set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
        if (request.authority() != null) {
            out.set("X-Forwarded-Host", request.authority().toString());
        }
        if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH) && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            upstreamRequest.setChunked(true);
        }
    }

    private void relay(HttpServerRequest request, HttpClientResponse upstreamResponse, Exchange exchange) {
        upstreamResponse.pause();
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(upstreamResponse.statusCode());
        response.setStatusMessage(upstreamResponse.statusMessage());
        HopByHop.copyEndToEnd(upstreamResponse.headers(), response.headers());
        if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH) && request.method() != HttpMethod.HEAD
                && upstreamResponse.statusCode() != 204 && upstreamResponse.statusCode() != 304) {
            response.setChunked(true);
        }
        upstreamResponse.pipeTo(response).onFailure(failure -> {
            // Headers are gone already: the only honest signal left is a cut connection.
            LOG.debugf("Response not relayed on %s: %s", listener, failure.getMessage());
            exchange.outcome = "upstream-failed";
            request.connection().close();
        });
    }

    private void upstreamFailed(HttpServerRequest request, Exchange exchange, Throwable cause) {
        exchange.outcome = "upstream-failed";
        if (request.response().headWritten()) {
            request.connection().close();
            return;
        }
        if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
            refuse(request, exchange, "upstream-failed", new Refusal(504, "timeout_exception", "the upstream did not answer in time"));
        } else {
            LOG.debugf("Upstream of %s failed: %s", listener, cause.getMessage());
            refuse(request, exchange, "upstream-failed", new Refusal(502, "upstream_unavailable", "the upstream failed to answer"));
        }
    }

    private void refuse(HttpServerRequest request, Exchange exchange, String outcome, Refusal refusal) {
        exchange.outcome = outcome;
        afterRefusal(request, dialect.send(request, refusal.status(), refusal.type(), refusal.reason()));
    }

    /** A refused request's body is never read: the connection is closed rather than drained of an unwanted upload. */
    private static void afterRefusal(HttpServerRequest request, Future<Void> answered) {
        MultiMap headers = request.headers();
        boolean hasBody = headers.contains(HttpHeaders.TRANSFER_ENCODING)
                || headers.contains(HttpHeaders.CONTENT_LENGTH) && !"0".equals(headers.get(HttpHeaders.CONTENT_LENGTH));
        if (hasBody) {
            answered.onComplete(v -> request.connection().close());
        } else {
            request.resume();
        }
    }

    private void finish(Exchange exchange, int status) {
        if (exchange.finish(status)) {
            metrics.request(exchange);
            AccessLog.write(exchange);
        }
    }
}
