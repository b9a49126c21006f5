package io.logstokengateway.proxy;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.limits.BodyBudget;
import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.ResponseRule;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLException;

import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One proxied request, from its head to the last byte of its answer, as a state machine. The event loop of the
 * client's connection drives it, one event at a time; nothing here blocks.
 *
 * <pre>
 *  AUTHENTICATING ─caller─▶ DECIDING ─forward─▶ FORWARDING ─answer's head─▶ RELAYING ─answer's end─▶ DONE
 *                             │    ▲
 *          ForwardCheckedBody │    │ the body's end: its check decides
 *                             ▼    │
 *                          READING_BODY
 *
 *  any state but DONE ─the gateway answers─▶ ANSWERING ─response ended─▶ DONE   (after the answer's head: cut, DONE)
 *  any state but DONE ─the client goes away─▶ DONE
 * </pre>
 *
 * <h2>Events</h2>
 * The authenticator's answer, the route policy's decision, the body's pieces and end, a body check's verdict, the
 * upstream connection, the upstream answer's head and end, the response's end or close. A result awaited in one state
 * that arrives in another (the client left while its password was checked, say) is dropped, and what it brought is
 * given back: an upstream request opened for nobody is reset.
 *
 * <h2>Back-pressure</h2>
 * The client's body is paused from the request's head on and read only once it has somewhere to go: into the buffer
 * of a body read whole to be checked (bounded by the listener's {@code max-body-size} and the {@link BodyBudget}),
 * piped to the upstream request (paused while the upstream's write queue is full), or checked line by line
 * ({@link LineForwarding}: paused while the upstream's queue is full or a line waits for a catalog or a check). The
 * answer is piped to the client the same way, the upstream paused while the client's write queue is full. A body that
 * stays silent while the gateway holds part of it is cut off ({@link BodyWatch}).
 *
 * <h2>Ending</h2>
 * <ul>
 * <li>A refusal carries its own status, wording and {@link Outcome}; the listener's {@link ErrorDialect} writes it.
 * A body not read yet is discarded after the answer, within a bound ({@link RefusedUpload}); one that cannot be is
 * never read, and the request ends after the answer ({@link ClientStreams}: its stream alone on HTTP/2, the
 * connection on HTTP/1.x).</li>
 * <li>The client goes away: the upstream request is abandoned ({@link #abandonUpstream}), the exchange is done
 * (499, client-aborted).</li>
 * <li>The upstream fails: before the answer's head, a 502 (504 on a timeout); after it, the answer is cut (the same
 * way), since a cleanly ended answer would pass a truncated one off as complete.</li>
 * </ul>
 * At {@link State#DONE}, once: the caller's place among its requests under way and the body budget it held are given
 * back, the connection counts the request as answered, the metrics and the access log record it.
 */
final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);
    /** What is read into nothing of an answer the gateway abandons, before the request is reset instead. */
    private static final long MAX_DRAINED_BYTES = 8L * ReadBuffers.MAX_READ_BYTES;

    enum State { AUTHENTICATING, DECIDING, READING_BODY, FORWARDING, RELAYING, ANSWERING, DONE }

    // What the access log and the metrics record, final once DONE.
    final String listener;
    final String method;
    final String path;
    final String clientAddress;
    final long startNanos = System.nanoTime();
    String serviceName;
    String tokenId;
    int status;
    Outcome outcome = Outcome.FORWARDED;

    private final ProxyHandler proxy;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final HttpConnection connection;
    private State state = State.AUTHENTICATING;
    private Caller caller;
    /** Whether the request counts among its caller's requests under way (and must be counted out). */
    private boolean counted;
    /** Once the body is being read (checked or sent upstream), a refusal can no longer discard the rest of it. */
    private boolean bodyTaken;
    /** What the gateway holds of this request's body. */
    private BodyBudget.Hold hold;
    private BodyWatch bodyWatch;
    /** Whether the connection closes once this request is answered (it was one connection too many). */
    private boolean closeAfterAnswer;
    private HttpClientRequest upstreamRequest;
    /** Whether the gateway abandoned the upstream request: its failure is then not the upstream's. */
    private boolean upstreamAbandoned;

    Exchange(ProxyHandler proxy, HttpServerRequest request) {
        this.proxy = proxy;
        this.listener = proxy.spec.name();
        this.request = request;
        this.response = request.response();
        this.connection = request.connection();
        this.method = request.method().name();
        this.path = request.path();
        this.clientAddress = proxy.spec.connections().clientAddress(connection);
    }

    /** The request's head has arrived: checks that need no caller, then authentication. */
    void start() {
        request.pause(); // its body waits until it has somewhere to go
        LimitExceeded overConnectionLimit = proxy.spec.connections().headReceived(connection);
        // The end handler is also called when the connection closes before the response has ended.
        response.endHandler(v -> responseOver());
        response.closeHandler(v -> responseOver());
        if (overConnectionLimit != null) {
            closeAfterAnswer = true;
            limitReached(overConnectionLimit);
            return;
        }
        MultiMap headers = request.headers();
        if (!HeaderSyntax.valid(headers) || !HeaderSyntax.validAuthority(request.authority())) {
            refuse(Refusal.badRequest("a header name or value is not valid HTTP"));
            return;
        }
        if (headers.contains(HttpHeaders.TRANSFER_ENCODING) && headers.contains(HttpHeaders.CONTENT_LENGTH)) {
            refuse(Refusal.badRequest("Transfer-Encoding and Content-Length must not both be set"));
            return;
        }
        if (headers.getAll(HttpHeaders.HOST).size() > 1) {
            refuse(Refusal.badRequest("a request has one Host header"));
            return;
        }
        Refusal refusal = proxy.spec.policy().beforeAuthentication(request);
        if (refusal != null) {
            refuse(refusal);
            return;
        }
        proxy.services.authentication().authenticate(headers.get(HttpHeaders.AUTHORIZATION), listener, clientAddress)
                .onComplete(authenticated -> {
                    if (state != State.AUTHENTICATING) {
                        return;
                    }
                    if (authenticated.succeeded()) {
                        authenticated(authenticated.result());
                    } else {
                        notAuthenticated(authenticated.cause());
                    }
                });
    }

    private void authenticated(Caller caller) {
        this.caller = caller;
        this.serviceName = caller.serviceName();
        this.tokenId = caller.tokenId();
        try {
            proxy.services.callers().enter(callerKey(), serviceName);
            counted = true;
        } catch (LimitExceeded reached) {
            limitReached(reached);
            return;
        }
        state = State.DECIDING;
        proxy.spec.policy().route(request, caller, startNanos).onComplete(routed -> {
            if (state != State.DECIDING) {
                return;
            }
            if (routed.succeeded()) {
                act(routed.result());
            } else {
                unroutable(routed.cause());
            }
        });
    }

    private void notAuthenticated(Throwable cause) {
        if (cause instanceof GatewayError refused && refused.kind() == GatewayError.Kind.UNAUTHENTICATED) {
            String username = refused instanceof Authenticator.Unauthenticated presented ? presented.username() : null;
            proxy.services.audit().clientEvent("auth.failed", clientAddress, attempt(username));
            refuse(refused);
        } else if (cause instanceof Authenticator.Throttled throttled) {
            Map<String, Object> details = attempt(throttled.username());
            details.put("retryAfter", throttled.retryAfterSeconds().orElseThrow());
            proxy.services.audit().clientEvent("auth.throttled", clientAddress, details);
            refuse(throttled);
        } else if (cause instanceof LimitExceeded reached) {
            limitReached(reached);
        } else {
            LOG.warnf("Cannot authenticate on %s: %s", listener, cause.getMessage());
            refuse(Refusal.CANNOT_AUTHENTICATE);
        }
    }

    /** What the audit trail records of a failed authentication: who tried what, never with which secret. */
    private Map<String, Object> attempt(String username) {
        Map<String, Object> details = AuditLog.attempt(listener, clientAddress, username);
        details.put("method", method);
        details.put("path", path);
        return details;
    }

    /** The caller the per-caller limits count: its token, or its service's account. */
    private String callerKey() {
        return tokenId != null ? tokenId : "account:" + serviceName;
    }

    /** Carries out a routing decision (in DECIDING). */
    private void act(Decision decision) {
        if (decision instanceof Decision.Forward forward) {
            forward(forward.pathAndQuery(), null, forward.response(), false);
        } else if (decision instanceof Decision.ForwardCheckedBody checked) {
            readBody(checked);
        } else if (decision instanceof Decision.ForwardCheckedLines lines) {
            forwardLines(lines);
        } else if (decision instanceof Decision.Deny deny) {
            deny(deny.status(), deny.reason());
        } else if (decision instanceof Decision.Answer answer) {
            answer(answer.status(), answer.body());
        } else {
            unroutable(new IllegalStateException("no decision on a current catalog"));
        }
    }

    /** The decision could not be taken: what the upstream holds could not be read, or the checks are all busy. */
    void unroutable(Throwable cause) {
        if (cause instanceof LimitExceeded reached) {
            limitReached(reached);
            return;
        }
        LOG.debugf("Cannot route on %s: %s", listener, cause.getMessage());
        refuse(Refusal.upstreamUnavailable("the upstream cannot be reached to resolve the request's indices"));
    }

    /** READING_BODY: reads the whole body (bounded), then lets the decision's rule accept, narrow or refuse it. */
    private void readBody(Decision.ForwardCheckedBody checked) {
        long maxBytes = proxy.spec.maxCheckedBodyBytes();
        String declaredLength = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declaredLength != null && parseLength(declaredLength) > maxBytes) {
            refuse(tooLarge());
            return;
        }
        state = State.READING_BODY;
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            response.writeContinue();
        }
        Buffer body = Buffer.buffer();
        bodyTaken = true;
        if (RefusedUpload.unread(request)) {
            bodyComing();
        }
        request.handler(chunk -> {
            bodyComing();
            bodyWatch.heard();
            if (body.length() + chunk.length() > maxBytes) {
                stopReading();
                refuse(tooLarge()); // and ends the request: the rest is not read
                return;
            }
            try {
                hold.grow(chunk.length());
            } catch (LimitExceeded reached) {
                stopReading();
                limitReached(reached);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(failure -> LOG.debugf("Request body not received on %s: %s", listener, failure.getMessage()));
        request.endHandler(v -> {
            if (bodyWatch != null) {
                bodyWatch.done();
            }
            if (state == State.READING_BODY) {
                state = State.DECIDING;
                check(checked, request.getHeader(HttpHeaders.CONTENT_ENCODING), body.getBytes(), true);
            }
        });
        request.resume();
    }

    /**
     * A body is on its way: from now on it is held against its service's budget and timed. Not before, so that a
     * request without one (a GET search, mostly) costs neither.
     */
    private void bodyComing() {
        if (bodyWatch == null) {
            holdBody();
            bodyWatch = new BodyWatch(this, () -> { });
        }
    }

    /**
     * DECIDING on a body read whole: runs its rule, on the event loop for small plain bodies, on a worker otherwise.
     * When the rule met a name the decision's view of the upstream did not know, the request is decided again on a
     * current one, once.
     */
    private void check(Decision.ForwardCheckedBody checked, String encoding, byte[] received, boolean firstTime) {
        ProxyServices services = proxy.services;
        // Decompressing or parsing a large body is CPU work the event loop should not carry.
        boolean inline = encoding == null && received.length <= ProxyServices.INLINE_CHECK_BYTES;
        Future<BodyVerdict> verdict = inline
                ? Future.future(promise -> promise.complete(checked.rule().check(received))) // a throw fails the future
                : services.checks().submit(() -> checked.rule().check(ContentDecoding.decode(encoding, received,
                        proxy.spec.maxCheckedBodyBytes(), services.limits().maxDecompressionRatio())));
        verdict.onComplete(checkedBody -> {
            if (state != State.DECIDING) {
                return;
            }
            Throwable failure = checkedBody.cause();
            if (failure instanceof LimitExceeded reached) {
                limitReached(reached);
            } else if (failure instanceof ContentDecoding.TooLarge) {
                refuse(tooLarge());
            } else if (failure instanceof ContentDecoding.Undecodable undecodable) {
                refuse(Refusal.badRequest(undecodable.getMessage()));
            } else if (failure != null) {
                LOG.warnf(failure, "Body check failed on %s for %s %s", listener, method, path);
                deny(403, "the request body could not be checked");
            } else if (checkedBody.result() instanceof BodyVerdict.Accept accepted) {
                String pathAndQuery = accepted.pathAndQuery() == null ? checked.pathAndQuery() : accepted.pathAndQuery();
                forward(pathAndQuery, accepted.body(), accepted.response(), accepted.json());
            } else if (checkedBody.result() instanceof BodyVerdict.Deny refused) {
                deny(refused.status(), refused.reason());
            } else if (checkedBody.result() instanceof BodyVerdict.Answer answer) {
                answer(answer.status(), answer.body());
            } else if (firstTime) {
                proxy.spec.policy().routeAgain(request, caller, startNanos).onComplete(routed -> {
                    if (state != State.DECIDING) {
                        return;
                    }
                    if (routed.succeeded() && routed.result() instanceof Decision.ForwardCheckedBody again) {
                        check(again, encoding, received, false);
                    } else if (routed.succeeded()) {
                        act(routed.result());
                    } else {
                        unroutable(routed.cause());
                    }
                });
            } else {
                unroutable(new IllegalStateException("no decision on a current catalog"));
            }
        });
    }

    /** A decision that refuses the request for its caller: audited (a 400 is the client's mistake, not a denial). */
    void deny(int status, String reason) {
        if (status == 400) {
            refuse(Refusal.badRequest(reason));
            return;
        }
        proxy.services.audit().callerEvent("scope.denied", Map.of("listener", listener, "service", serviceName,
                "tokenId", String.valueOf(tokenId), "method", method, "path", path, "reason", reason));
        refuse(Refusal.forbidden(reason));
    }

    /** Answers as the upstream answers the same request (a search context id that does not open, say). */
    void answer(int status, String body) {
        if (!moveToAnswering(Outcome.REFUSED)) {
            return;
        }
        Future<Void> answered = proxy.spec.dialect().sendAsUpstream(request, status, body);
        if (RefusedUpload.unread(request) && !bodyTaken) {
            answered.onComplete(v -> ClientStreams.end(request, ClientStreams.NO_ERROR));
        } else {
            request.resume();
        }
    }

    /**
     * FORWARDING: sends the request upstream; its body streams through, or, when {@code checkedBody} is given
     * (already read and checked), that body is sent instead ({@code json}: written by the gateway as JSON). The answer
     * goes through {@code rule}; one that must be rewritten is asked for uncompressed.
     */
    private void forward(String pathAndQuery, byte[] checkedBody, ResponseRule rule, boolean json) {
        openUpstream(pathAndQuery, rule, upstream -> {
            if (checkedBody != null) {
                MultiMap headers = upstream.headers();
                headers.remove(HttpHeaders.CONTENT_ENCODING); // a checked body is sent decoded
                headers.remove(HttpHeaders.TRANSFER_ENCODING);
                if (json) {
                    headers.set(HttpHeaders.CONTENT_TYPE, jsonContentType());
                }
                upstream.setChunked(false);
                upstream.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(checkedBody.length));
                upstream.end(Buffer.buffer(checkedBody));
                return;
            }
            if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
                response.writeContinue(); // authenticated and connected: the client may send its body now
            }
            bodyTaken = true;
            // Not ended on failure: a cleanly ended chunked body would deliver a cut upload to the upstream as complete.
            request.pipe().endOnFailure(false).to(upstream).onFailure(failure -> {
                LOG.debugf("Request body not forwarded on %s: %s", listener, failure.getMessage());
                abandonUpstream();
            });
        });
    }

    /** FORWARDING an NDJSON body line by line as it arrives, each line once its rule has passed it. */
    private void forwardLines(Decision.ForwardCheckedLines decided) {
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (!LineStream.readable(encoding)) {
            refuse(Refusal.badRequest("the Content-Encoding [" + encoding + "] is not supported"));
            return;
        }
        ResponseRule rule = status -> decided.rule().response().forAnswer(status); // known once the body has been read
        openUpstream(decided.pathAndQuery(), rule, upstream -> {
            MultiMap headers = upstream.headers();
            headers.remove(HttpHeaders.CONTENT_ENCODING); // sent decoded
            headers.remove(HttpHeaders.CONTENT_LENGTH); // lines may be rewritten
            headers.remove(HttpHeaders.TRANSFER_ENCODING);
            upstream.setChunked(true);
            if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
                response.writeContinue();
            }
            holdBody();
            LineForwarding lines = new LineForwarding(this, request, upstream, decided.rule(), encoding, hold);
            bodyWatch = lines.watch();
            lines.start();
        });
    }

    /**
     * Opens the upstream request (the next upstream that accepts a connection) with the headers the upstream must
     * see, awaits its answer's head, and hands the request to {@code send} to send the body.
     */
    private void openUpstream(String pathAndQuery, ResponseRule rule, Consumer<HttpClientRequest> send) {
        state = State.FORWARDING;
        long sentAt = System.nanoTime();
        proxy.spec.upstream().open(request.method(), pathAndQuery).onComplete(opened -> {
            if (opened.failed()) {
                if (opened.cause() instanceof SSLException) {
                    // Not the client's doing: the upstream's certificate or the trust settings are wrong; say why.
                    LOG.warnf("TLS handshake with the upstream of %s failed: %s", listener, rootMessage(opened.cause()));
                } else {
                    LOG.debugf("No upstream of %s accepts connections: %s", listener, opened.cause().getMessage());
                }
                refuse(Refusal.upstreamUnavailable("the upstream cannot be reached"));
                return;
            }
            HttpClientRequest upstream = opened.result();
            if (state != State.FORWARDING) {
                upstream.reset(); // nobody to send it for: give the connection back
                return;
            }
            upstreamRequest = upstream;
            // Its failures reach the response future and the body pipe; without a handler Vert.x logs each at ERROR.
            upstream.exceptionHandler(failure -> LOG.debugf("Upstream request on %s ended early: %s", listener, failure.getMessage()));
            prepareHeaders(upstream.headers());
            if (rule != ResponseRule.RELAY) {
                upstream.headers().remove(HttpHeaders.ACCEPT_ENCODING);
            }
            upstream.response().onComplete(answered -> {
                if (upstreamAbandoned) {
                    return; // the gateway stopped it, and answers the client itself if anyone is left to answer
                }
                if (answered.failed()) {
                    upstreamFailed(answered.cause());
                } else {
                    proxy.upstreamLatency.record(System.nanoTime() - sentAt, TimeUnit.NANOSECONDS);
                    relay(answered.result(), rule);
                }
            });
            send.accept(upstream);
        });
    }

    /** The headers the upstream sees: the client's end-to-end ones, where the request came from, and the service's identity. */
    private void prepareHeaders(MultiMap out) {
        HopByHop.copyEndToEnd(request.headers(), out);
        ForwardingHeaders.apply(request, clientAddress, out);
        proxy.spec.identity().apply(caller, out); // last: an identity header may be named x-forwarded-*
        if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH) && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            upstreamRequest.setChunked(true);
        }
    }

    /**
     * The content type of a body the gateway wrote as JSON: the client's own when it is JSON (Elasticsearch wants it
     * to agree with {@code Accept}, {@code compatible-with} included), else the JSON type its {@code Accept} asks for.
     */
    private String jsonContentType() {
        String declared = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (declared != null && declared.contains("json") && !declared.contains("ndjson")) {
            return declared;
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return accept != null && accept.startsWith("application/vnd.elasticsearch+json") ? accept : "application/json";
    }

    /** RELAYING: the upstream's answer, streamed to the client as it comes, or rewritten on its way. */
    private void relay(HttpClientResponse answer, ResponseRule rule) {
        answer.pause();
        proxy.spec.policy().answered(request);
        if (state != State.FORWARDING) {
            abandonUpstream(); // answered already (a refused line), or nobody left to answer
            return;
        }
        Refusal refusedAnswer = proxy.spec.policy().refuseAnswer(answer.headers());
        if (refusedAnswer != null) {
            abandonUpstream(); // none of that answer is read, nor sent
            refuse(refusedAnswer);
            return;
        }
        ResponseRule.Transform transform = request.method() == HttpMethod.HEAD ? null : rule.forAnswer(answer.statusCode());
        if (transform != null && answer.headers().contains(HttpHeaders.CONTENT_ENCODING)) {
            // asked for uncompressed: an encoded answer cannot be rewritten, and is not passed on unread
            abandonUpstream();
            refuse(Refusal.upstreamUnavailable("the upstream failed to answer"));
            return;
        }
        state = State.RELAYING;
        response.setStatusCode(answer.statusCode());
        response.setStatusMessage(answer.statusMessage());
        HopByHop.copyEndToEnd(answer.headers(), response.headers());
        if (transform != null) {
            new RewrittenAnswer(this, answer, response, transform).start();
            return;
        }
        if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH) && request.method() != HttpMethod.HEAD
                && answer.statusCode() != 204 && answer.statusCode() != 304) {
            response.setChunked(true);
        }
        // Not ended on failure: a cleanly ended chunked body would pass a truncated answer off as complete.
        answer.pipe().endOnFailure(false).to(response).onFailure(failure -> {
            // The upstream's end() fails before the pipe hears of it, so it tells which side broke.
            boolean upstreamBroke = answer.end().failed();
            LOG.debugf("Response not relayed on %s (%s): %s", listener, upstreamBroke ? "upstream" : "client", failure.getMessage());
            abandonUpstream(); // stop the upstream work instead of draining the rest of its answer
            if (upstreamBroke) {
                cut(Outcome.UPSTREAM_FAILED);
            } else {
                clientGone();
            }
        });
    }

    /** An answer that could not be rewritten (RELAYING): a 502 if nothing was sent yet, else a cut answer. */
    void answerFailed(Throwable failure) {
        abandonUpstream();
        LOG.debugf("Answer not relayed on %s: %s", listener, failure.getMessage());
        if (state == State.DONE) {
            return;
        }
        if (!response.headWritten()) {
            response.headers().clear();
            response.setChunked(false);
            refuse(Refusal.upstreamUnavailable("the upstream's answer could not be read"));
        } else {
            cut(Outcome.UPSTREAM_FAILED);
        }
    }

    private void upstreamFailed(Throwable cause) {
        if (response.headWritten()) {
            cut(Outcome.UPSTREAM_FAILED);
        } else if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
            refuse(new Refusal(504, "timeout_exception", "the upstream did not answer in time", Outcome.UPSTREAM_FAILED));
        } else {
            LOG.debugf("Upstream of %s failed: %s", listener, cause.getMessage());
            refuse(Refusal.upstreamUnavailable("the upstream failed to answer"));
        }
    }

    /**
     * The exchange ends after the answer's head went out (the upstream broke, or a line was refused once the upstream
     * had answered): done, and the answer cut, the only honest signal left.
     */
    private void cut(Outcome outcome) {
        this.outcome = outcome;
        done(response.getStatusCode());
        ClientStreams.end(request, ClientStreams.INTERNAL_ERROR);
    }

    /**
     * Stops the upstream request on the gateway's own account (a refused line, a stall, the client gone): its failure
     * is then not the upstream's. Before the answer's head, a reset. After it, a reset could close the connection
     * under another request: once Vert.x has read an answer's end, it hands the connection to the next request, yet a
     * reset still closes it. So the rest of the answer is read into nothing instead, and the request reset only when
     * more than {@link #MAX_DRAINED_BYTES} still come, which Vert.x cannot have read to the end yet (at most five
     * pieces of {@link ReadBuffers#MAX_READ_BYTES} wait unread while an answer is paused).
     */
    void abandonUpstream() {
        if (upstreamRequest == null || upstreamAbandoned) {
            return;
        }
        upstreamAbandoned = true;
        HttpClientRequest upstream = upstreamRequest;
        Future<HttpClientResponse> answer = upstream.response();
        if (!answer.isComplete()) {
            upstream.reset();
        } else if (answer.succeeded() && !answer.result().end().isComplete()) { // an answer that ended has nothing left to read
            HttpClientResponse answered = answer.result();
            long[] drained = {0};
            answered.handler(chunk -> {
                drained[0] += chunk.length();
                if (drained[0] > MAX_DRAINED_BYTES) {
                    answered.handler(null);
                    upstream.reset();
                }
            });
            answered.endHandler(null);
            answered.resume();
        }
    }

    boolean upstreamAbandoned() {
        return upstreamAbandoned;
    }

    /** The body stops being read: on a refusal, a stall, a reached bound. */
    void stopReading() {
        request.handler(null);
        request.endHandler(null);
        if (bodyWatch != null) {
            bodyWatch.done();
        }
    }

    /** A {@code gateway.limits} bound was reached: counted, audited, and answered as the limit says. */
    void limitReached(LimitExceeded reached) {
        proxy.services.limitRefusals().refused(reached.limit(), listener, clientAddress, serviceName);
        refuse(reached);
    }

    private void refuse(GatewayError error) {
        if (state != State.DONE && state != State.ANSWERING && !response.headWritten()) {
            error.retryAfterSeconds().ifPresent(seconds -> response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
        }
        refuse(Refusal.of(error));
    }

    /**
     * ANSWERING: the gateway answers the request with an error in the listener's dialect. A body not read yet is
     * discarded after the answer, within a bound ({@link RefusedUpload}); one that cannot be (declared too large, or
     * awaiting a {@code 100 Continue}) is never read: the request ends after the answer ({@link ClientStreams}: its
     * HTTP/1.x connection closes, and the answer says so). A connection one too many closes whole.
     */
    private void refuse(Refusal refusal) {
        if (!moveToAnswering(refusal.outcome())) {
            return;
        }
        boolean unreadBody = RefusedUpload.unread(request);
        boolean discard = unreadBody && !bodyTaken && !closeAfterAnswer && RefusedUpload.discardable(request);
        boolean endEarly = unreadBody && !discard && !closeAfterAnswer;
        if ((closeAfterAnswer || endEarly) && !ClientStreams.multiplexed(request)) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE); // HTTP/2 forbids the header
        }
        Future<Void> answered = proxy.spec.dialect().send(request, refusal.status(), refusal.type(), refusal.reason());
        if (discard) {
            RefusedUpload.discard(request);
        } else if (closeAfterAnswer) {
            answered.onComplete(v -> connection.close());
        } else if (endEarly) {
            answered.onComplete(v -> ClientStreams.end(request, ClientStreams.NO_ERROR));
        } else {
            request.resume();
        }
    }

    /**
     * Whether the gateway may answer now: not once done or answering already, nor once the upstream's head went out
     * (the answer is cut instead).
     */
    private boolean moveToAnswering(Outcome outcome) {
        if (state == State.DONE || state == State.ANSWERING) {
            return false;
        }
        if (response.headWritten()) {
            cut(outcome);
            return false;
        }
        this.outcome = outcome;
        state = State.ANSWERING;
        return true;
    }

    /** The response ended, or its connection closed before. */
    private void responseOver() {
        if (!response.ended() && outcome == Outcome.FORWARDED) {
            clientGone();
        } else {
            done(response.getStatusCode());
        }
    }

    /** The client went away before its answer ended: the upstream's work is stopped too. */
    private void clientGone() {
        if (state == State.DONE) {
            return;
        }
        stopReading();
        abandonUpstream();
        outcome = Outcome.CLIENT_ABORTED;
        done(499);
    }

    private void done(int status) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        this.status = status;
        if (bodyWatch != null) {
            bodyWatch.done();
        }
        if (hold != null) {
            hold.release();
        }
        ProxyServices services = proxy.services;
        if (counted) {
            services.callers().leave(callerKey(), serviceName);
        }
        proxy.spec.connections().answered(connection);
        services.metrics().request(this);
        services.accessLog().write(this);
    }

    /** Takes a share of the body budget of the caller's service, grown as the body is read and given back when done. */
    private void holdBody() {
        bodyTaken = true;
        hold = proxy.services.bodies().hold(serviceName);
    }

    State state() {
        return state;
    }

    ProxyHandler proxy() {
        return proxy;
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private Refusal tooLarge() {
        return new Refusal(413, "content_too_long_exception", "a body the gateway must check may not exceed "
                + proxy.spec.maxCheckedBodyBytes() + " bytes");
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
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
}
