package io.logstokengateway.proxy;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.identity.UpstreamIdentity;
import io.logstokengateway.limits.BodyBudget;
import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.proxy.Exchange.Outcome;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.LineRule;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The whole path of a proxied request, top to bottom: accept, authenticate, authorise, map the identity, forward
 * with the body streaming, stream the answer back, log. Runs on the event loop and never blocks it.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(ProxyHandler.class);
    /** What is read into nothing of an answer the gateway abandons, before the request is reset instead. */
    private static final long MAX_DRAINED_BYTES = 8L * ReadBuffers.MAX_READ_BYTES;

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
    private final ProxyServices services;
    private final ConnectionGuard connections;

    ProxyHandler(ListenerSpec spec, ProxyServices services) {
        this.connections = spec.connections();
        this.listener = spec.name();
        this.dialect = spec.dialect();
        this.policy = spec.policy();
        this.identity = spec.identity();
        this.upstream = spec.upstream();
        this.maxCheckedBodyBytes = spec.maxCheckedBodyBytes();
        this.services = services;
        this.authenticator = services.authenticator();
        this.audit = services.audit();
        this.vertx = services.vertx();
        this.metrics = services.metrics();
        this.upstreamLatency = metrics.upstreamLatency(listener);
    }

    @Override
    public void handle(HttpServerRequest request) {
        // Hold the body until it has somewhere to go: authentication and connecting are asynchronous.
        request.pause();
        LimitExceeded overConnectionLimit = connections.headReceived(request.connection());
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

        if (overConnectionLimit != null) {
            exchange.closeAfterAnswer = true;
            limitReached(request, exchange, overConnectionLimit);
            return;
        }
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
                    refuse(request, exchange, Outcome.UNAUTHENTICATED, refused);
                } else if (authenticated.cause() instanceof Authenticator.Throttled throttled) {
                    Map<String, Object> details = attempt(exchange, throttled.username());
                    details.put("retryAfter", throttled.retryAfterSeconds().orElseThrow());
                    audit.clientEvent("auth.throttled", exchange.clientAddress, details);
                    refuse(request, exchange, Outcome.THROTTLED, throttled);
                } else if (authenticated.cause() instanceof LimitExceeded reached) {
                    limitReached(request, exchange, reached);
                } else {
                    LOG.warnf("Cannot authenticate on %s: %s", listener, authenticated.cause().getMessage());
                    refuse(request, exchange, Outcome.REGISTRY_UNAVAILABLE, Refusal.CANNOT_AUTHENTICATE);
                }
                return;
            }
            Caller caller = authenticated.result();
            exchange.caller(caller);
            try {
                services.callers().enter(exchange.callerKey(), exchange.serviceName);
                exchange.counted = true;
            } catch (LimitExceeded reached) {
                limitReached(request, exchange, reached);
                return;
            }
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
        } else if (decision instanceof Decision.ForwardCheckedLines lines) {
            forwardLines(request, caller, exchange, lines);
        } else if (decision instanceof Decision.Deny deny) {
            deny(request, caller, exchange, deny.status(), deny.reason());
        } else if (decision instanceof Decision.Answer answer) {
            answer(request, exchange, answer.status(), answer.body());
        } else {
            unroutable(request, exchange, new IllegalStateException("no decision on a current catalog"));
        }
    }

    /** The decision could not be taken: what the upstream holds could not be read, or the checks are all busy. */
    private void unroutable(HttpServerRequest request, Exchange exchange, Throwable cause) {
        if (cause instanceof LimitExceeded reached) {
            limitReached(request, exchange, reached);
            return;
        }
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
        exchange.hold = services.bodies().hold(caller.serviceName());
        BodyWatch watch = new BodyWatch(request, exchange);
        request.handler(chunk -> {
            watch.heard();
            if (body.length() + chunk.length() > maxCheckedBodyBytes) {
                stopReading(request, watch);
                refuse(request, exchange, Outcome.REFUSED, tooLarge()); // and closes the connection: the rest is not read
                return;
            }
            try {
                exchange.hold.grow(chunk.length());
            } catch (LimitExceeded reached) {
                stopReading(request, watch);
                limitReached(request, exchange, reached);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(failure -> LOG.debugf("Request body not received on %s: %s", listener, failure.getMessage()));
        request.endHandler(v -> {
            watch.done();
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
        boolean inline = encoding == null && received.length <= ProxyServices.INLINE_CHECK_BYTES;
        Future<BodyVerdict> verdict = inline
                ? Future.future(promise -> promise.complete(checked.rule().check(received))) // a throw fails the future
                : services.checks().submit(() -> checked.rule().check(ContentDecoding.decode(encoding, received, maxCheckedBodyBytes,
                        services.limits().maxDecompressionRatio())));
        verdict.onComplete(checkedBody -> {
            if (checkedBody.failed() && checkedBody.cause() instanceof LimitExceeded reached) {
                limitReached(request, exchange, reached);
            } else if (checkedBody.failed() && checkedBody.cause() instanceof ContentDecoding.TooLarge) {
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

    private static void stopReading(HttpServerRequest request, BodyWatch watch) {
        request.handler(null);
        request.endHandler(null);
        watch.done();
    }

    /**
     * Cuts off a body that stays silent for {@code limits.body-idle-timeout} while the gateway holds what came of it:
     * a stalled upload must not keep its share of the body budget.
     */
    private final class BodyWatch {
        private final HttpServerRequest request;
        private final Exchange exchange;
        private final Runnable onStall;
        private final long timeoutMillis = services.limits().bodyIdleTimeout().toMillis();
        private long timer;

        BodyWatch(HttpServerRequest request, Exchange exchange) {
            this(request, exchange, () -> { });
        }

        BodyWatch(HttpServerRequest request, Exchange exchange, Runnable onStall) {
            this.request = request;
            this.exchange = exchange;
            this.onStall = onStall;
            this.timer = vertx.setTimer(timeoutMillis, id -> stalled());
        }

        void heard() {
            vertx.cancelTimer(timer);
            timer = vertx.setTimer(timeoutMillis, id -> stalled());
        }

        void done() {
            vertx.cancelTimer(timer);
        }

        private void stalled() {
            onStall.run();
            stopReading(request, this);
            limitReached(request, exchange, new LimitExceeded("body-idle-timeout", 408, null,
                    "the request body stalled for longer than the gateway waits"));
        }
    }

    /** A {@code gateway.limits} bound was reached: counted, audited, and answered as the limit says. */
    private void limitReached(HttpServerRequest request, Exchange exchange, LimitExceeded reached) {
        services.limitRefusals().refused(reached.limit(), listener, exchange.clientAddress, exchange.serviceName);
        refuse(request, exchange, Outcome.LIMITED, reached);
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
        openUpstream(request, caller, exchange, pathAndQuery, response, upstreamRequest -> {
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
                abandon(exchange, upstreamRequest);
            });
        });
    }

    /**
     * Sends an NDJSON body upstream line by line as it arrives, each line once the rule has passed it ({@link LineStream});
     * a refusal half-way resets the upstream request, which then never sees the body's end (Elasticsearch acts on a
     * bulk body only once it has it whole, or, when it processes it in parts, only on the parts that were checked).
     */
    private void forwardLines(HttpServerRequest request, Caller caller, Exchange exchange, Decision.ForwardCheckedLines decided) {
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (!LineStream.readable(encoding)) {
            refuse(request, exchange, Outcome.REFUSED, Refusal.badRequest("the Content-Encoding [" + encoding + "] is not supported"));
            return;
        }
        LineRule rule = decided.rule();
        ResponseRule response = status -> rule.response().forAnswer(status); // known once the body has been read
        openUpstream(request, caller, exchange, decided.pathAndQuery(), response, upstreamRequest -> {
            upstreamRequest.headers().remove(HttpHeaders.CONTENT_ENCODING); // sent decoded
            upstreamRequest.headers().remove(HttpHeaders.CONTENT_LENGTH); // lines may be rewritten
            upstreamRequest.headers().remove(HttpHeaders.TRANSFER_ENCODING);
            upstreamRequest.setChunked(true);
            if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
                request.response().writeContinue();
            }
            exchange.bodyTaken = true;
            exchange.hold = services.bodies().hold(caller.serviceName());
            new LineForwarding(request, caller, exchange, upstreamRequest, rule, encoding).start();
        });
    }

    /**
     * One streamed NDJSON body between the client and the upstream: back-pressure both ways (the client is paused
     * while the upstream's write queue is full, and while a line waits for a catalog), a stall cut off, a refusal
     * answered.
     */
    private final class LineForwarding implements LineStream.Sink {
        private final HttpServerRequest request;
        private final Caller caller;
        private final Exchange exchange;
        private final HttpClientRequest upstreamRequest;
        private final LineStream stream;
        private final BodyWatch watch;
        private boolean writeQueueFull;
        /** While a line waits for a catalog or for its check apart: the client's body is paused. */
        private boolean waiting;
        private boolean bodyEnded;

        LineForwarding(HttpServerRequest request, Caller caller, Exchange exchange, HttpClientRequest upstreamRequest,
                       LineRule rule, String encoding) {
            this.request = request;
            this.caller = caller;
            this.exchange = exchange;
            this.upstreamRequest = upstreamRequest;
            this.stream = new LineStream(rule, this, exchange.hold, (int) services.limits().maxCheckedLine().asLongValue(),
                    encoding, services.limits().maxDecompressionRatio());
            this.watch = new BodyWatch(request, exchange, () -> {
                stream.stop(null);
                abandon(exchange, upstreamRequest);
            });
        }

        void start() {
            request.handler(chunk -> {
                watch.heard();
                drive(() -> stream.feed(chunk));
            });
            request.exceptionHandler(failure -> {
                LOG.debugf("Request body not received on %s: %s", listener, failure.getMessage());
                stream.stop(null);
                abandon(exchange, upstreamRequest);
            });
            request.endHandler(v -> {
                bodyEnded = true;
                watch.done();
                drive(stream::end);
            });
            upstreamRequest.drainHandler(v -> {
                writeQueueFull = false;
                resumeClient();
            });
            request.resume();
        }

        @Override
        public void send(Buffer bytes) {
            upstreamRequest.write(bytes);
            if (upstreamRequest.writeQueueFull()) {
                writeQueueFull = true;
                pauseClient();
            }
        }

        @Override
        public void stop(LineRule.LineVerdict refusal) {
            abandon(exchange, upstreamRequest);
            stopReading(request, watch);
            if (refusal instanceof LineRule.LineVerdict.Deny deny) {
                deny(request, caller, exchange, deny.status(), deny.reason());
            } else if (refusal instanceof LineRule.LineVerdict.Answer answer) {
                answer(request, exchange, answer.status(), answer.body());
            }
        }

        @Override
        public void needCatalog() {
            waitFor(policy.currentCatalog(exchange.startNanos), stream::resume);
        }

        @Override
        public void checkApart(Callable<LineRule.LineVerdict> check) {
            waitFor(services.checks().submit(check), stream::checked);
        }

        /**
         * Holds the client's body until {@code result} comes, then hands it to the stream; a failure ends the exchange.
         * Always in a later turn of the event loop, even when {@code result} is already there (a catalog just read, a
         * check that finished first): the stream is not done with the line that asked.
         */
        private <T> void waitFor(Future<T> result, Consumer<T> then) {
            waiting = true;
            pauseClient();
            result.onComplete(done -> vertx.runOnContext(later -> {
                waiting = false;
                if (done.failed()) {
                    stream.stop(null);
                    abandon(exchange, upstreamRequest);
                    stopReading(request, watch);
                    unroutable(request, exchange, done.cause()); // no catalog, or no thread free for the check
                    return;
                }
                drive(() -> then.accept(done.result()));
                resumeClient();
            }));
        }

        /** One step of the stream; a bound it reaches ends the exchange with that limit's answer. */
        private void drive(Runnable step) {
            try {
                step.run();
            } catch (LimitExceeded reached) {
                stream.stop(null);
                abandon(exchange, upstreamRequest);
                stopReading(request, watch);
                limitReached(request, exchange, reached);
            }
        }

        @Override
        public void ended() {
            upstreamRequest.end();
        }

        /** The gateway stops reading: the client's silence is then not the client's doing, and is not timed. */
        private void pauseClient() {
            request.pause();
            watch.done();
        }

        private void resumeClient() {
            if (!writeQueueFull && !waiting && !exchange.upstreamAbandoned && !bodyEnded) {
                watch.heard();
                request.resume();
            }
        }
    }

    /**
     * Opens the upstream request for this exchange (the next upstream that accepts a connection), with the headers
     * the upstream must see, relays its answer through {@code response} once it comes, and hands it to {@code send} to
     * send the body; a client that goes away resets it.
     */
    private void openUpstream(HttpServerRequest request, Caller caller, Exchange exchange, String pathAndQuery,
                              ResponseRule response, Handler<HttpClientRequest> send) {
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
                abandon(exchange, upstreamRequest); // the client went away: stop the upstream work too
                finish(exchange, 499);
            });
            upstreamRequest.response().onComplete(answered -> {
                if (answered.failed() && exchange.upstreamAbandoned) {
                    return; // the gateway reset it, and answers the client itself
                }
                if (answered.failed()) {
                    upstreamFailed(request, exchange, answered.cause());
                } else {
                    upstreamLatency.record(System.nanoTime() - sentAt, TimeUnit.NANOSECONDS);
                    relay(request, upstreamRequest, answered.result(), exchange, response);
                }
            });
            send.handle(upstreamRequest);
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
        policy.answered(request);
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        Refusal refusedAnswer = policy.refuseAnswer(upstreamResponse.headers());
        if (refusedAnswer != null) {
            abandon(exchange, upstreamRequest); // none of that answer is read, nor sent
            refuse(request, exchange, Outcome.REFUSED, refusedAnswer);
            return;
        }
        ResponseRule.Transform transform = request.method() == HttpMethod.HEAD ? null : rule.forAnswer(upstreamResponse.statusCode());
        if (transform != null) {
            if (upstreamResponse.headers().contains(HttpHeaders.CONTENT_ENCODING)) {
                // asked for uncompressed: an encoded answer cannot be rewritten, and is not passed on unread
                abandon(exchange, upstreamRequest);
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
            abandon(exchange, upstreamRequest); // stop the upstream work instead of draining the rest of its answer
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
            abandon(exchange, upstreamRequest);
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

    /**
     * Stops the upstream request on the gateway's own account (a refused line, a stall, the client gone): its failure
     * is then not the upstream's. Before the answer's head, a reset. After it, a reset could close the connection
     * under another request: once Vert.x has read an answer's end, it hands the connection to the next request, yet a
     * reset still closes it. So the rest of the answer is read into nothing instead, and the request reset only when
     * more than {@link #MAX_DRAINED_BYTES} still come, which Vert.x cannot have read to the end yet (at most five
     * pieces of {@link ReadBuffers#MAX_READ_BYTES} wait unread while an answer is paused).
     */
    private static void abandon(Exchange exchange, HttpClientRequest upstreamRequest) {
        if (exchange.upstreamAbandoned) {
            return;
        }
        exchange.upstreamAbandoned = true;
        Future<HttpClientResponse> answer = upstreamRequest.response();
        if (!answer.isComplete()) {
            upstreamRequest.reset();
        } else if (answer.succeeded()) {
            HttpClientResponse response = answer.result();
            long[] drained = {0};
            response.handler(chunk -> {
                drained[0] += chunk.length();
                if (drained[0] > MAX_DRAINED_BYTES) {
                    response.handler(null);
                    upstreamRequest.reset();
                }
            });
            response.endHandler(null);
            response.resume();
        }
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
     * read: the connection is closed after the answer (which says so), as it is when the exchange asks for it.
     */
    private void refuse(HttpServerRequest request, Exchange exchange, Outcome outcome, GatewayError error) {
        error.retryAfterSeconds().ifPresent(seconds -> request.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
        refuse(request, exchange, outcome, Refusal.of(error));
    }

    private void refuse(HttpServerRequest request, Exchange exchange, Outcome outcome, Refusal refusal) {
        exchange.outcome = outcome;
        boolean unreadBody = RefusedUpload.unread(request);
        boolean discard = unreadBody && !exchange.bodyTaken && !exchange.closeAfterAnswer && RefusedUpload.discardable(request);
        boolean close = exchange.closeAfterAnswer || unreadBody && !discard;
        if (close) {
            request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        Future<Void> answered = dialect.send(request, refusal.status(), refusal.type(), refusal.reason());
        if (discard) {
            RefusedUpload.discard(request);
        } else if (close) {
            answered.onComplete(v -> request.connection().close());
        } else {
            request.resume();
        }
    }

    private void finish(Exchange exchange, int status) {
        if (exchange.finish(status)) {
            if (exchange.hold != null) {
                exchange.hold.release();
            }
            if (exchange.counted) {
                services.callers().leave(exchange.callerKey(), exchange.serviceName);
            }
            connections.answered(exchange.connection);
            metrics.request(exchange);
            services.accessLog().write(exchange);
        }
    }
}
