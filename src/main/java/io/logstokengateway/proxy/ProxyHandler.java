package io.logstokengateway.proxy;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.auth.GuessThrottle;
import io.logstokengateway.identity.UpstreamIdentity;
import io.logstokengateway.proxy.Exchange.Outcome;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.ResponseRule;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLException;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The whole path of a proxied request, top to bottom: accept, authenticate, authorise, map the identity, forward
 * with the body streaming, stream the answer back, log. Runs on the event loop and never blocks it.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(ProxyHandler.class);
    /** Bodies up to this size are checked on the event loop; larger ones on a worker thread. */
    private static final int INLINE_CHECK_BYTES = 64 * 1024;

    private final String listener;
    private final ErrorDialect dialect;
    private final RoutePolicy policy;
    private final Authenticator authenticator;
    private final UpstreamIdentity identity;
    private final UpstreamClient upstream;
    private final ProxyMetrics metrics;
    private final Timer upstreamLatency;
    private final AuditLog audit;
    private final Vertx vertx;
    private final long maxCheckedBodyBytes;

    ProxyHandler(String listener, ErrorDialect dialect, RoutePolicy policy, Authenticator authenticator,
                 UpstreamIdentity identity, UpstreamClient upstream, ProxyMetrics metrics, AuditLog audit, Vertx vertx,
                 long maxCheckedBodyBytes) {
        this.audit = audit;
        this.vertx = vertx;
        this.maxCheckedBodyBytes = maxCheckedBodyBytes;
        this.listener = listener;
        this.dialect = dialect;
        this.policy = policy;
        this.authenticator = authenticator;
        this.identity = identity;
        this.upstream = upstream;
        this.metrics = metrics;
        this.upstreamLatency = metrics.upstreamLatency(listener);
    }

    @Override
    public void handle(HttpServerRequest request) {
        // Hold the body until it has somewhere to go: authentication and connecting are asynchronous.
        request.pause();
        Exchange exchange = new Exchange(listener, request);
        HttpServerResponse response = request.response();
        response.endHandler(v -> {
            // Also called when the connection closes before the response has ended: the client left mid-answer.
            if (!response.ended() && exchange.outcome == Outcome.FORWARDED) {
                exchange.outcome = Outcome.CLIENT_ABORTED;
                finish(exchange, 499);
            } else {
                finish(exchange, response.getStatusCode());
            }
        });
        response.closeHandler(v -> {
            exchange.outcome = Outcome.CLIENT_ABORTED;
            finish(exchange, 499);
        });

        MultiMap headers = request.headers();
        if (headers.contains(HttpHeaders.TRANSFER_ENCODING) && headers.contains(HttpHeaders.CONTENT_LENGTH)) {
            refuse(request, exchange, Outcome.REFUSED, Refusal.badRequest("Transfer-Encoding and Content-Length must not both be set"));
            return;
        }
        if (headers.getAll(HttpHeaders.HOST).size() > 1) {
            refuse(request, exchange, Outcome.REFUSED, Refusal.badRequest("a request has one Host header"));
            return;
        }
        Refusal refusal = policy.beforeAuthentication(request);
        if (refusal != null) {
            refuse(request, exchange, Outcome.REFUSED, refusal);
            return;
        }
        authenticator.authenticate(headers.get(HttpHeaders.AUTHORIZATION), listener, exchange.clientAddress).onComplete(authenticated -> {
            if (authenticated.failed()) {
                if (authenticated.cause() instanceof Authenticator.Unauthenticated refused) {
                    audit.clientEvent("auth.failed", exchange.clientAddress, attempt(exchange, refused.username()));
                    refuse(request, exchange, Outcome.UNAUTHENTICATED, Refusal.UNAUTHENTICATED);
                } else if (authenticated.cause() instanceof Authenticator.Throttled throttled) {
                    long seconds = GuessThrottle.retryAfterSeconds(throttled.retryAfter());
                    Map<String, Object> details = attempt(exchange, throttled.username());
                    details.put("retryAfter", seconds);
                    audit.clientEvent("auth.throttled", exchange.clientAddress, details);
                    request.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
                    refuse(request, exchange, Outcome.THROTTLED, Refusal.throttled(seconds));
                } else {
                    LOG.warnf("Cannot authenticate on %s: %s", listener, authenticated.cause().getMessage());
                    refuse(request, exchange, Outcome.REGISTRY_UNAVAILABLE,
                            new Refusal(503, "unavailable_exception", "the gateway cannot check credentials right now"));
                }
                return;
            }
            Caller caller = authenticated.result();
            exchange.caller(caller);
            policy.route(request, caller, exchange.startNanos).onComplete(routed -> {
                if (routed.failed()) {
                    unroutable(request, exchange, routed.cause());
                } else {
                    act(request, caller, exchange, routed.result());
                }
            });
        });
    }

    /** Carries out a routing decision. */
    private void act(HttpServerRequest request, Caller caller, Exchange exchange, Decision decision) {
        if (decision instanceof Decision.Forward forward) {
            forward(request, caller, exchange, forward.pathAndQuery(), null, forward.response(), false);
        } else if (decision instanceof Decision.ForwardCheckedBody checked) {
            checkBodyThenForward(request, caller, exchange, checked);
        } else if (decision instanceof Decision.Deny deny) {
            deny(request, caller, exchange, deny.status(), deny.reason());
        } else if (decision instanceof Decision.Answer answer) {
            answer(request, exchange, answer.status(), answer.body());
        } else {
            unroutable(request, exchange, new IllegalStateException("no decision on a current catalog"));
        }
    }

    /** The decision could not be taken: what the upstream holds could not be read. */
    private void unroutable(HttpServerRequest request, Exchange exchange, Throwable cause) {
        LOG.debugf("Cannot route on %s: %s", listener, cause.getMessage());
        refuse(request, exchange, Outcome.UPSTREAM_FAILED, new Refusal(502, "upstream_unavailable",
                "the upstream cannot be reached to resolve the request's indices"));
    }

    /** Reads the whole body (bounded), lets the rule accept, narrow or refuse it, then forwards what it accepted. */
    private void checkBodyThenForward(HttpServerRequest request, Caller caller, Exchange exchange, Decision.ForwardCheckedBody checked) {
        String declaredLength = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declaredLength != null && parseLength(declaredLength) > maxCheckedBodyBytes) {
            refuse(request, exchange, Outcome.REFUSED, tooLarge());
            return;
        }
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            request.response().writeContinue();
        }
        Buffer body = Buffer.buffer();
        exchange.bodyTaken = true;
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxCheckedBodyBytes) {
                request.handler(null);
                refuse(request, exchange, Outcome.REFUSED, tooLarge()); // and closes the connection: the rest is not read
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(failure -> LOG.debugf("Request body not received on %s: %s", listener, failure.getMessage()));
        request.endHandler(v -> {
            if (request.response().ended()) {
                return; // refused as too large
            }
            check(request, caller, exchange, checked, request.getHeader(HttpHeaders.CONTENT_ENCODING), body.getBytes(), true);
        });
        request.resume();
    }

    /** What the audit trail records of a failed authentication: who tried what, never with which secret. */
    private Map<String, Object> attempt(Exchange exchange, String username) {
        Map<String, Object> details = AuditLog.attempt(listener, exchange.clientAddress, username);
        details.put("method", exchange.method);
        details.put("path", exchange.path);
        return details;
    }

    /**
     * Runs the body rule, on the event loop for small plain bodies, on a worker otherwise. When the rule met a name
     * the decision's view of the upstream did not know, the request is decided again on a current one, once.
     */
    private void check(HttpServerRequest request, Caller caller, Exchange exchange, Decision.ForwardCheckedBody checked,
                       String encoding, byte[] received, boolean firstTime) {
        // Decompressing or parsing a large body is CPU work the event loop should not carry.
        boolean inline = encoding == null && received.length <= INLINE_CHECK_BYTES;
        Future<BodyVerdict> verdict = inline
                ? Future.future(promise -> promise.complete(checked.rule().check(received))) // a throw fails the future
                : vertx.executeBlocking(() -> checked.rule().check(ContentDecoding.decode(encoding, received, maxCheckedBodyBytes)), false);
        verdict.onComplete(checkedBody -> {
            if (checkedBody.failed() && checkedBody.cause() instanceof ContentDecoding.TooLarge) {
                refuse(request, exchange, Outcome.REFUSED, tooLarge());
            } else if (checkedBody.failed() && checkedBody.cause() instanceof ContentDecoding.Undecodable undecodable) {
                refuse(request, exchange, Outcome.REFUSED, Refusal.badRequest(undecodable.getMessage()));
            } else if (checkedBody.failed()) {
                LOG.warnf(checkedBody.cause(), "Body check failed on %s for %s %s", listener, exchange.method, exchange.path);
                deny(request, caller, exchange, 403, "the request body could not be checked");
            } else if (checkedBody.result() instanceof BodyVerdict.Accept accepted) {
                String path = accepted.pathAndQuery() == null ? checked.pathAndQuery() : accepted.pathAndQuery();
                forward(request, caller, exchange, path, accepted.body(), accepted.response(), accepted.json());
            } else if (checkedBody.result() instanceof BodyVerdict.Deny refused) {
                deny(request, caller, exchange, refused.status(), refused.reason());
            } else if (checkedBody.result() instanceof BodyVerdict.Answer answer) {
                answer(request, exchange, answer.status(), answer.body());
            } else if (firstTime) {
                policy.routeAgain(request, caller, exchange.startNanos).onComplete(routed -> {
                    if (routed.succeeded() && routed.result() instanceof Decision.ForwardCheckedBody again) {
                        check(request, caller, exchange, again, encoding, received, false);
                    } else if (routed.succeeded()) {
                        act(request, caller, exchange, routed.result());
                    } else {
                        unroutable(request, exchange, routed.cause());
                    }
                });
            } else {
                unroutable(request, exchange, new IllegalStateException("no decision on a current catalog"));
            }
        });
    }

    private void deny(HttpServerRequest request, Caller caller, Exchange exchange, int status, String reason) {
        if (status == 400) {
            refuse(request, exchange, Outcome.REFUSED, Refusal.badRequest(reason));
            return;
        }
        audit.callerEvent("scope.denied", Map.of("listener", listener, "service", caller.serviceName(),
                "tokenId", String.valueOf(caller.tokenId()), "method", exchange.method, "path", exchange.path, "reason", reason));
        refuse(request, exchange, Outcome.REFUSED, Refusal.forbidden(reason));
    }

    /** Answers as the upstream answers the same request (a search context id that does not open, say). */
    private void answer(HttpServerRequest request, Exchange exchange, int status, String body) {
        exchange.outcome = Outcome.REFUSED;
        Future<Void> answered = dialect.sendAsUpstream(request, status, body);
        if (RefusedUpload.unread(request) && !exchange.bodyTaken) {
            answered.onComplete(v -> request.connection().close());
        } else {
            request.resume();
        }
    }

    private Refusal tooLarge() {
        return new Refusal(413, "content_too_long_exception", "a body the gateway must check may not exceed " + maxCheckedBodyBytes + " bytes");
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Sends the request upstream: its body streams through, or, when {@code checkedBody} is given (already read and
     * checked), that body is sent instead ({@code json}: written by the gateway as JSON). The answer goes through
     * {@code response}; one that must be rewritten is asked for uncompressed.
     */
    private void forward(HttpServerRequest request, Caller caller, Exchange exchange, String pathAndQuery, byte[] checkedBody,
                         ResponseRule response, boolean json) {
        long sentAt = System.nanoTime();
        upstream.open(request.method(), pathAndQuery).onComplete(opened -> {
            if (opened.failed()) {
                if (opened.cause() instanceof SSLException) {
                    // Not the client's doing: the upstream's certificate or the trust settings are wrong; say why.
                    LOG.warnf("TLS handshake with the upstream of %s failed: %s", listener, rootMessage(opened.cause()));
                } else {
                    LOG.debugf("No upstream of %s accepts connections: %s", listener, opened.cause().getMessage());
                }
                refuse(request, exchange, Outcome.UPSTREAM_FAILED, new Refusal(502, "upstream_unavailable", "the upstream cannot be reached"));
                return;
            }
            HttpClientRequest upstreamRequest = opened.result();
            // Its failures reach the response future and the body pipe; without a handler Vert.x logs each at ERROR.
            upstreamRequest.exceptionHandler(failure -> LOG.debugf("Upstream request on %s ended early: %s", listener, failure.getMessage()));
            prepareHeaders(request, caller, exchange.clientAddress, upstreamRequest);
            if (response != ResponseRule.RELAY) {
                upstreamRequest.headers().remove(HttpHeaders.ACCEPT_ENCODING);
            }
            request.response().closeHandler(v -> {
                exchange.outcome = Outcome.CLIENT_ABORTED;
                upstreamRequest.reset(); // the client went away: stop the upstream work too
                finish(exchange, 499);
            });
            upstreamRequest.response().onComplete(answered -> {
                if (answered.failed()) {
                    upstreamFailed(request, exchange, answered.cause());
                } else {
                    upstreamLatency.record(System.nanoTime() - sentAt, TimeUnit.NANOSECONDS);
                    relay(request, upstreamRequest, answered.result(), exchange, response);
                }
            });
            if (checkedBody != null) {
                upstreamRequest.headers().remove(HttpHeaders.CONTENT_ENCODING); // a checked body is sent decoded
                upstreamRequest.headers().remove(HttpHeaders.TRANSFER_ENCODING);
                if (json) {
                    upstreamRequest.headers().set(HttpHeaders.CONTENT_TYPE, jsonContentType(request));
                }
                upstreamRequest.setChunked(false);
                upstreamRequest.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(checkedBody.length));
                upstreamRequest.end(Buffer.buffer(checkedBody));
                return;
            }
            if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
                request.response().writeContinue(); // authenticated and connected: the client may send its body now
            }
            // Not ended on failure: a cleanly ended chunked body would deliver a cut upload to the upstream as complete.
            exchange.bodyTaken = true;
            request.pipe().endOnFailure(false).to(upstreamRequest).onFailure(failure -> {
                LOG.debugf("Request body not forwarded on %s: %s", listener, failure.getMessage());
                upstreamRequest.reset();
            });
        });
    }

    /**
     * The content type of a body the gateway wrote as JSON: the client's own when it is JSON (Elasticsearch wants it
     * to agree with {@code Accept}, {@code compatible-with} included), else the JSON type its {@code Accept} asks for.
     */
    private static String jsonContentType(HttpServerRequest request) {
        String declared = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (declared != null && declared.contains("json") && !declared.contains("ndjson")) {
            return declared;
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return accept != null && accept.startsWith("application/vnd.elasticsearch+json") ? accept : "application/json";
    }

    /** {@code client}: the client's address, as the exchange noted it. */
    private void prepareHeaders(HttpServerRequest request, Caller caller, String client, HttpClientRequest upstreamRequest) {
        MultiMap out = upstreamRequest.headers();
        HopByHop.copyEndToEnd(request.headers(), out);
        ForwardingHeaders.apply(request, client, out);
        identity.apply(caller, out); // last: an identity header may be named x-forwarded-*
        if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH) && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            upstreamRequest.setChunked(true);
        }
    }

    private void relay(HttpServerRequest request, HttpClientRequest upstreamRequest, HttpClientResponse upstreamResponse,
                       Exchange exchange, ResponseRule rule) {
        upstreamResponse.pause();
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        Refusal refusedAnswer = policy.refuseAnswer(upstreamResponse.headers());
        if (refusedAnswer != null) {
            upstreamRequest.reset(); // none of that answer is read, nor sent
            refuse(request, exchange, Outcome.REFUSED, refusedAnswer);
            return;
        }
        ResponseRule.Transform transform = request.method() == HttpMethod.HEAD ? null : rule.forAnswer(upstreamResponse.statusCode());
        if (transform != null) {
            if (upstreamResponse.headers().contains(HttpHeaders.CONTENT_ENCODING)) {
                // asked for uncompressed: an encoded answer cannot be rewritten, and is not passed on unread
                upstreamRequest.reset();
                upstreamFailed(request, exchange, new IllegalStateException("the upstream answered compressed"));
                return;
            }
            new RewrittenAnswer(request, upstreamRequest, upstreamResponse, transform, exchange).start();
            return;
        }
        response.setStatusCode(upstreamResponse.statusCode());
        response.setStatusMessage(upstreamResponse.statusMessage());
        HopByHop.copyEndToEnd(upstreamResponse.headers(), response.headers());
        if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH) && request.method() != HttpMethod.HEAD
                && upstreamResponse.statusCode() != 204 && upstreamResponse.statusCode() != 304) {
            response.setChunked(true);
        }
        // Not ended on failure: a cleanly ended chunked body would pass a truncated answer off as complete.
        upstreamResponse.pipe().endOnFailure(false).to(response).onFailure(failure -> {
            if (exchange.outcome == Outcome.FORWARDED) {
                // The upstream's end() fails before the pipe hears of it, so it tells which side broke.
                exchange.outcome = upstreamResponse.end().failed() ? Outcome.UPSTREAM_FAILED : Outcome.CLIENT_ABORTED;
            }
            LOG.debugf("Response not relayed on %s (%s): %s", listener, exchange.outcome, failure.getMessage());
            finish(exchange, exchange.outcome == Outcome.CLIENT_ABORTED ? 499 : response.getStatusCode());
            upstreamRequest.reset(); // stop the upstream work instead of draining the rest of its answer
            if (exchange.outcome == Outcome.UPSTREAM_FAILED) {
                request.connection().close(); // headers are gone already: the only honest signal left is a cut connection
            }
        });
    }

    /**
     * An answer rewritten on its way (search context ids sealed as it streams, or a listing read whole and
     * filtered): the upstream is read with back-pressure, each piece goes through the transform, and a transform
     * that fails ends the exchange as an upstream failure (a 502 if nothing was sent yet, a cut connection after).
     */
    private final class RewrittenAnswer {
        private final HttpServerRequest request;
        private final HttpClientRequest upstreamRequest;
        private final HttpClientResponse upstreamResponse;
        private final ResponseRule.Transform transform;
        private final Exchange exchange;
        private final HttpServerResponse response;

        RewrittenAnswer(HttpServerRequest request, HttpClientRequest upstreamRequest, HttpClientResponse upstreamResponse,
                        ResponseRule.Transform transform, Exchange exchange) {
            this.request = request;
            this.upstreamRequest = upstreamRequest;
            this.upstreamResponse = upstreamResponse;
            this.transform = transform;
            this.exchange = exchange;
            this.response = request.response();
        }

        void start() {
            response.setStatusCode(upstreamResponse.statusCode());
            response.setStatusMessage(upstreamResponse.statusMessage());
            HopByHop.copyEndToEnd(upstreamResponse.headers(), response.headers());
            response.headers().remove(HttpHeaders.CONTENT_LENGTH);
            if (!transform.buffered()) {
                response.setChunked(true);
            }
            upstreamResponse.handler(chunk -> {
                byte[] out;
                try {
                    out = transform.chunk(chunk.getBytes());
                } catch (RuntimeException e) {
                    fail(e);
                    return;
                }
                if (out.length > 0) {
                    response.write(Buffer.buffer(out));
                    if (response.writeQueueFull()) {
                        upstreamResponse.pause();
                        response.drainHandler(v -> upstreamResponse.resume());
                    }
                }
            });
            upstreamResponse.exceptionHandler(this::fail);
            upstreamResponse.endHandler(v -> {
                byte[] rest;
                try {
                    rest = transform.end();
                } catch (RuntimeException e) {
                    fail(e);
                    return;
                }
                if (transform.buffered()) {
                    response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(rest.length));
                }
                response.end(Buffer.buffer(rest));
            });
            upstreamResponse.resume();
        }

        private void fail(Throwable failure) {
            upstreamResponse.handler(null);
            upstreamResponse.endHandler(null);
            upstreamRequest.reset();
            LOG.debugf("Answer not rewritten on %s: %s", listener, failure.getMessage());
            if (response.ended() || response.closed()) {
                return;
            }
            if (!response.headWritten()) {
                response.headers().clear();
                response.setChunked(false);
                refuse(request, exchange, Outcome.UPSTREAM_FAILED, new Refusal(502, "upstream_unavailable",
                        "the upstream's answer could not be read"));
            } else {
                exchange.outcome = Outcome.UPSTREAM_FAILED;
                request.connection().close();
            }
        }
    }

    /** The innermost message: Vert.x wraps handshake failures as "Failed to create SSL connection". */
    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private void upstreamFailed(HttpServerRequest request, Exchange exchange, Throwable cause) {
        exchange.outcome = Outcome.UPSTREAM_FAILED;
        if (request.response().headWritten()) {
            request.connection().close();
            return;
        }
        if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
            refuse(request, exchange, Outcome.UPSTREAM_FAILED, new Refusal(504, "timeout_exception", "the upstream did not answer in time"));
        } else {
            LOG.debugf("Upstream of %s failed: %s", listener, cause.getMessage());
            refuse(request, exchange, Outcome.UPSTREAM_FAILED, new Refusal(502, "upstream_unavailable", "the upstream failed to answer"));
        }
    }

    /**
     * Answers the request with an error. A body not read yet is discarded after the answer, within a bound
     * ({@link RefusedUpload}); one that cannot be (declared too large, or awaiting a {@code 100 Continue}) is never
     * read: the connection is closed after the answer (which says so).
     */
    private void refuse(HttpServerRequest request, Exchange exchange, Outcome outcome, Refusal refusal) {
        exchange.outcome = outcome;
        boolean unreadBody = RefusedUpload.unread(request);
        boolean discard = unreadBody && !exchange.bodyTaken && RefusedUpload.discardable(request);
        if (unreadBody && !discard) {
            request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        Future<Void> answered = dialect.send(request, refusal.status(), refusal.type(), refusal.reason());
        if (discard) {
            RefusedUpload.discard(request);
        } else if (unreadBody) {
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
