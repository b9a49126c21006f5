package io.logstokengateway.proxy;

import io.logstokengateway.limits.BodyBudget;
import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.IndexCatalog;
import io.logstokengateway.scope.LineRule;
import io.logstokengateway.scope.LineRule.LineVerdict;
import io.logstokengateway.scope.ScopeContext;
import io.logstokengateway.scope.ScopeLimits;
import io.logstokengateway.scope.ScopeRules;
import io.logstokengateway.scope.ServiceScope;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LineStream} as the gateway drives it: a body in pieces of any size, large lines checked apart (later, as a
 * worker would), and whatever arrives meanwhile kept in order.
 */
class LineStreamTest {

    private static final ServiceScope SCOPE = new ServiceScope(List.of("logs-aa-00001-a-*", "logs-aa-00001-i-*"), List.of("logs-aa-00001-i-*"));
    private static final IndexCatalog CATALOG = IndexCatalog.of(List.of(), 1, 0);

    /** Records what the stream does; checks apart wait in {@link #apart} until the test runs them. */
    private static final class Recorder implements LineStream.Sink {
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        final Deque<Callable<LineVerdict>> apart = new ArrayDeque<>();
        LineVerdict stopped;
        boolean ended;

        @Override
        public void send(Buffer bytes) {
            sent.writeBytes(bytes.getBytes());
        }

        @Override
        public void stop(LineVerdict refusal) {
            stopped = refusal;
        }

        @Override
        public void needCatalog() {
            throw new AssertionError("no catalog is needed here");
        }

        @Override
        public void checkApart(Callable<LineVerdict> check) {
            apart.add(check);
        }

        @Override
        public void ended() {
            ended = true;
        }
    }

    private static LineRule rule(String method, String path, int maxIndexNames) {
        ScopeContext context = new ScopeContext("ldp-aa-00001", SCOPE, CATALOG, true, null,
                new ScopeLimits(5, 2, 1000, maxIndexNames, 64, 1000));
        Decision decision = ScopeRules.decide(method, path, null, context).decision();
        return assertInstanceOf(Decision.ForwardCheckedLines.class, decision, decision::toString).rule();
    }

    /**
     * Feeds {@code body} in pieces of {@code piece} bytes (a negative size: the checks apart run only once the whole
     * body arrived, else each once the next piece did).
     */
    private static Recorder stream(LineRule rule, String body, int piece) throws Exception {
        boolean late = piece < 0;
        piece = Math.abs(piece);
        Recorder sink = new Recorder();
        LineStream stream = new LineStream(rule, sink, new BodyBudget(1 << 30, 1 << 30).hold("ldp-aa-00001"), 4 << 20, null, 100);
        byte[] bytes = body.getBytes();
        for (int from = 0; from < bytes.length; from += piece) {
            stream.feed(Buffer.buffer().appendBytes(bytes, from, Math.min(piece, bytes.length - from)));
            if (!late) {
                runApart(stream, sink, false);
            }
        }
        stream.end();
        runApart(stream, sink, true);
        return sink;
    }

    private static void runApart(LineStream stream, Recorder sink, boolean all) throws Exception {
        while (!sink.apart.isEmpty()) {
            stream.checked(sink.apart.poll().call());
            if (!all) {
                return;
            }
        }
    }

    private static String names(int count) {
        return IntStream.range(0, count).mapToObj(i -> "logs-aa-00001-i-n" + i).collect(Collectors.joining(","));
    }

    @Test
    void largeHeadersAreCheckedApartAndWhatFollowsKeepsItsOrder() throws Exception {
        String header = "{\"index\":\"" + names(5000) + "\"}";
        String body = header + "\n{}\n{\"index\":\"logs-aa-00001-i-x\"}\n{\"size\":1}\n";
        for (int piece : new int[] {7, 1000, 65536, 1 << 20, -7, -1000, -65536}) {
            Recorder sink = stream(rule("POST", "/_msearch", 10_000), body, piece);
            assertNull(sink.stopped, "piece " + piece);
            assertTrue(sink.ended, "piece " + piece);
            String sent = sink.sent.toString();
            assertEquals(4, sent.split("\n").length, "piece " + piece);
            assertTrue(sent.endsWith("{\"index\":[\"logs-aa-00001-i-x\"]}\n{\"size\":1}\n"), sent.substring(Math.max(0, sent.length() - 200)));
        }
    }

    @Test
    void aLargeHeaderPastTheNameLimitIsRefusedWithThatLimitWhateverThePieces() {
        String body = "{\"index\":\"" + names(5000) + "\"}\n{}\n";
        for (int piece : new int[] {7, 1000, 65536, 1 << 20, -7, -1000, -65536}) {
            LimitExceeded refused = assertThrows(LimitExceeded.class, () -> stream(rule("POST", "/_msearch", 1000), body, piece),
                    "piece " + piece);
            assertEquals("max-index-names", refused.limit());
        }
    }
}
