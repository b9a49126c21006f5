package io.logstokengateway.proxy;

import io.logstokengateway.scope.ResponseRule;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * An answer rewritten on its way (search context ids sealed as it streams, or a listing read whole and filtered):
 * the upstream is read with back-pressure, each piece goes through the transform, and a transform that fails ends
 * the exchange as an upstream failure ({@link Exchange#answerFailed}). The response's status and end-to-end headers
 * are set already.
 */
final class RewrittenAnswer {

    private final Exchange exchange;
    private final HttpClientResponse answer;
    private final HttpServerResponse response;
    private final ResponseRule.Transform transform;

    RewrittenAnswer(Exchange exchange, HttpClientResponse answer, HttpServerResponse response, ResponseRule.Transform transform) {
        this.exchange = exchange;
        this.answer = answer;
        this.response = response;
        this.transform = transform;
    }

    void start() {
        response.headers().remove(HttpHeaders.CONTENT_LENGTH);
        if (!transform.buffered()) {
            response.setChunked(true);
        }
        answer.handler(chunk -> {
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
                    answer.pause();
                    response.drainHandler(v -> answer.resume());
                }
            }
        });
        answer.exceptionHandler(this::fail);
        answer.endHandler(v -> {
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
        answer.resume();
    }

    private void fail(Throwable failure) {
        answer.handler(null);
        answer.endHandler(null);
        exchange.answerFailed(failure);
    }
}
