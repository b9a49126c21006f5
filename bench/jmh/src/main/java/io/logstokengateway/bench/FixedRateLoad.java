package io.logstokengateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop (fixed-rate) HTTP load, in the manner of wrk2: request i is due at start + i / rate whatever happened to
 * earlier ones, and its latency is measured from that due time, not from when a connection became free. A server
 * that stalls therefore shows the stall in every request that waited behind it (no coordinated omission), which a
 * closed-loop tool such as wrk hides. Requests go over a fixed pool of keep-alive HTTP/1.1 connections; when all are
 * busy, due requests queue in the client and the queueing counts as latency.
 *
 * <pre>
 * FixedRateLoad --rate R --duration S --warmup S --connections C --rounds N
 *               [--method POST] [--body FILE] [--content-type TYPE] [--expect 200]
 *               NAME=URL|AUTHORIZATION ...
 * </pre>
 * Targets are measured in interleaved rounds (A B C, A B C, ...), each after its own warm-up at the same rate. One
 * line per measurement on stdout:
 * {@code RESULT <name> <round> <rate> <achieved/s> <count> <errors> <p50 ms> <p90 ms> <p99 ms> <p99.9 ms> <max ms>}.
 */
public final class FixedRateLoad {

    private record Target(String name, URI uri, String authorization) {
    }

    private record Outcome(double achieved, long count, long errors, Histogram histogram) {
    }

    public static void main(String[] args) throws Exception {
        double rate = 1000;
        double duration = 5;
        double warmup = 2;
        int connections = 16;
        int rounds = 1;
        HttpMethod method = HttpMethod.GET;
        Buffer body = null;
        String contentType = "application/json";
        int expect = 200;
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--duration" -> duration = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--method" -> method = HttpMethod.valueOf(args[++i]);
                case "--body" -> body = Buffer.buffer(Files.readAllBytes(Path.of(args[++i])));
                case "--content-type" -> contentType = args[++i];
                case "--expect" -> expect = Integer.parseInt(args[++i]);
                default -> {
                    int eq = args[i].indexOf('=');
                    int bar = args[i].indexOf('|');
                    if (eq < 1 || bar < eq) {
                        throw new IllegalArgumentException("target must be NAME=URL|AUTHORIZATION: " + args[i]);
                    }
                    targets.add(new Target(args[i].substring(0, eq), URI.create(args[i].substring(eq + 1, bar)), args[i].substring(bar + 1)));
                }
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target");
        }
        // One event loop sends and receives everything: at the rates used here it is far from busy, and a single
        // thread keeps the schedule exact (timers on the Netty event loop have microsecond resolution).
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setBlockedThreadCheckInterval(60_000));
        try {
            for (int round = 1; round <= rounds; round++) {
                for (Target target : targets) {
                    run(vertx, target, rate, warmup, connections, method, body, contentType, expect); // warm-up, not reported
                    Outcome o = run(vertx, target, rate, duration, connections, method, body, contentType, expect);
                    Histogram h = o.histogram();
                    System.out.printf(Locale.ROOT, "RESULT %s %d %.0f %.1f %d %d %.3f %.3f %.3f %.3f %.3f%n", target.name(), round, rate,
                            o.achieved(), o.count(), o.errors(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                            ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
                    System.out.flush();
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static Outcome run(Vertx vertx, Target target, double rate, double seconds, int connections, HttpMethod method,
                               Buffer body, String contentType, int expect) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                .setTcpNoDelay(true).setConnectTimeout(5000).setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(connections));
        URI uri = target.uri();
        String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(method).setHost(uri.getHost()).setPort(uri.getPort())
                .setURI(pathAndQuery).putHeader("Authorization", target.authorization());
        if (body != null) {
            options.putHeader("Content-Type", contentType);
        }
        long total = Math.max(1, Math.round(rate * seconds));
        double interval = 1e9 / rate;
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long[] errors = {0};
        long[] done = {0};
        long[] lastDone = {0};
        Promise<Void> finished = Promise.promise();
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        Buffer payload = body;
        context.runOnContext(v -> new Runnable() {
            long next;

            @Override
            public void run() {
                long now = System.nanoTime();
                while (next < total && start + (long) (next * interval) <= now) {
                    send(start + (long) (next * interval));
                    next++;
                }
                if (next < total) {
                    context.nettyEventLoop().schedule(this, start + (long) (next * interval) - System.nanoTime(), TimeUnit.NANOSECONDS);
                }
            }

            private void send(long due) {
                client.request(options)
                        .compose(request -> payload == null ? request.send() : request.send(payload))
                        .compose(response -> response.body().map(b -> response.statusCode()))
                        .onComplete(answer -> {
                            long end = System.nanoTime();
                            if (answer.failed() || answer.result() != expect) {
                                errors[0]++;
                            } else {
                                histogram.recordValue(Math.min(end - due, histogram.getHighestTrackableValue()));
                            }
                            lastDone[0] = end;
                            if (++done[0] == total) {
                                finished.complete();
                            }
                        });
            }
        }.run());
        Future<Void> all = finished.future();
        try {
            all.toCompletionStage().toCompletableFuture().get((long) (seconds + 30), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            System.err.println(target.name() + ": " + (total - done[0]) + " requests still unanswered 30 s after the run");
        }
        client.close().toCompletionStage().toCompletableFuture().join();
        long answered = done[0];
        double elapsed = (lastDone[0] - start) / 1e9;
        return new Outcome(elapsed > 0 ? answered / elapsed : 0, answered, errors[0] + (total - answered), histogram);
    }
}
