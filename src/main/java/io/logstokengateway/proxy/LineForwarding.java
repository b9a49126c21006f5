package io.logstokengateway.proxy;

import io.logstokengateway.limits.BodyBudget;
import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.scope.LineRule;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import org.jboss.logging.Logger;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * One NDJSON body sent upstream line by line as it arrives, each line once its rule has passed it ({@link LineStream}),
 * with back-pressure both ways: the client is paused while the upstream's write queue is full, and while a line waits
 * for a catalog or for its check apart. A refusal half-way abandons the upstream request, which then never sees the
 * body's end (Elasticsearch acts on a bulk body only once it has it whole, or, when it processes it in parts, only on
 * the parts that were checked), and the exchange answers the refusal.
 */
final class LineForwarding implements LineStream.Sink {

    private static final Logger LOG = Logger.getLogger(LineForwarding.class);

    private final Exchange exchange;
    private final HttpServerRequest request;
    private final HttpClientRequest upstreamRequest;
    private final ProxyServices services;
    private final LineStream stream;
    private final BodyWatch watch;
    private boolean writeQueueFull;
    /** While a line waits for a catalog or for its check apart: the client's body is paused. */
    private boolean waiting;
    private boolean bodyEnded;

    LineForwarding(Exchange exchange, HttpServerRequest request, HttpClientRequest upstreamRequest, LineRule rule, String encoding,
                   BodyBudget.Hold hold) {
        this.exchange = exchange;
        this.request = request;
        this.upstreamRequest = upstreamRequest;
        this.services = exchange.proxy().services;
        this.stream = new LineStream(rule, this, hold, (int) services.limits().maxCheckedLine().asLongValue(), encoding,
                services.limits().maxDecompressionRatio());
        this.watch = new BodyWatch(exchange, () -> {
            stream.stop(null);
            exchange.abandonUpstream();
        });
    }

    BodyWatch watch() {
        return watch;
    }

    void start() {
        request.handler(chunk -> {
            watch.heard();
            drive(() -> stream.feed(chunk));
        });
        request.exceptionHandler(failure -> {
            LOG.debugf("Request body not received on %s: %s", exchange.listener, failure.getMessage());
            stream.stop(null);
            exchange.abandonUpstream();
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
        exchange.abandonUpstream();
        exchange.stopReading();
        if (refusal instanceof LineRule.LineVerdict.Deny deny) {
            exchange.deny(deny.status(), deny.reason());
        } else if (refusal instanceof LineRule.LineVerdict.Answer answer) {
            exchange.answer(answer.status(), answer.body());
        }
    }

    @Override
    public void needCatalog() {
        waitFor(exchange.proxy().spec.policy().currentCatalog(exchange.startNanos), stream::resume);
    }

    @Override
    public void checkApart(Callable<LineRule.LineVerdict> check) {
        waitFor(services.checks().submit(check), stream::checked);
    }

    @Override
    public void ended() {
        upstreamRequest.end();
    }

    /**
     * Holds the client's body until {@code result} comes, then hands it to the stream; a failure ends the exchange.
     * Always in a later turn of the event loop, even when {@code result} is already there (a catalog just read, a
     * check that finished first): the stream is not done with the line that asked.
     */
    private <T> void waitFor(Future<T> result, Consumer<T> then) {
        waiting = true;
        pauseClient();
        result.onComplete(done -> services.vertx().runOnContext(later -> {
            waiting = false;
            if (exchange.upstreamAbandoned() || exchange.state() == Exchange.State.DONE) {
                return; // the exchange ended meanwhile: nothing more is sent
            }
            if (done.failed()) {
                stream.stop(null);
                exchange.abandonUpstream();
                exchange.stopReading();
                exchange.unroutable(done.cause()); // no catalog, or no thread free for the check
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
            exchange.abandonUpstream();
            exchange.stopReading();
            exchange.limitReached(reached);
        }
    }

    /** The gateway stops reading: the client's silence is then not the client's doing, and is not timed. */
    private void pauseClient() {
        request.pause();
        watch.done();
    }

    private void resumeClient() {
        if (!writeQueueFull && !waiting && !exchange.upstreamAbandoned() && !bodyEnded) {
            watch.heard();
            request.resume();
        }
    }
}
