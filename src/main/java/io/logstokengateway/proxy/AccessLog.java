package io.logstokengateway.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One JSON line per proxied request on the {@code gateway.access} category: who, what, how it ended; never a secret.
 * <p>
 * Written off the request path: the event loop only builds the line and offers it to a bounded queue, and one thread
 * of its own hands the queued lines to the log handler in batches, so a slow terminal or disk never stalls a request.
 * When the queue is full (the log cannot keep up), the line is dropped and counted in
 * {@code gateway_access_log_dropped_total}: requests are never slowed down for their log.
 */
@ApplicationScoped
public class AccessLog {

    private static final Logger LOG = Logger.getLogger("gateway.access");
    /** Lines waiting at most: about 3 MiB at ~300 bytes a line, a second of a busy node's requests. */
    static final int QUEUE_LINES = 10_000;
    private static final int BATCH = 512;
    /** How long the writer rests when nothing is queued: how late a line may reach the log. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final BlockingQueue<String> queue;
    private final Counter dropped;
    private final Consumer<String> sink;
    private final Thread writer;
    private volatile boolean stopping;

    @Inject
    AccessLog(MeterRegistry meters) {
        this(QUEUE_LINES, meters, LOG::info);
    }

    AccessLog(int queueLines, MeterRegistry meters, Consumer<String> sink) {
        this.queue = new ArrayBlockingQueue<>(queueLines);
        this.dropped = meters.counter("gateway.access.log.dropped");
        this.sink = sink;
        this.writer = new Thread(this::drain, "gateway-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    void write(Exchange exchange) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder(320).append("{\"time\":\"").append(Instant.now()).append('"');
        text(line, "listener", exchange.listener);
        text(line, "client", exchange.clientAddress);
        text(line, "method", exchange.method);
        text(line, "path", exchange.path);
        line.append(",\"status\":").append(exchange.status);
        line.append(",\"durationMs\":").append(exchange.elapsedMillis());
        text(line, "service", exchange.serviceName);
        text(line, "tokenId", exchange.tokenId);
        text(line, "outcome", exchange.outcome.label);
        offer(line.append('}').toString());
    }

    /** A string field, escaped as JSON (a path is the client's text); {@code null} when absent. */
    private static void text(StringBuilder line, String name, String value) {
        line.append(",\"").append(name).append("\":");
        if (value == null) {
            line.append("null");
        } else {
            JsonStringEncoder.getInstance().quoteAsString(value, line.append('"'));
            line.append('"');
        }
    }

    void offer(String line) {
        if (!queue.offer(line)) {
            dropped.increment();
        }
    }

    /**
     * Writes what is queued every few milliseconds. The writer never waits on the queue itself: a thread blocked in
     * {@code poll} is woken by every {@code offer}, a context switch per request while the log keeps up.
     */
    private void drain() {
        List<String> batch = new ArrayList<>(BATCH);
        while (!stopping || !queue.isEmpty()) {
            try {
                if (queue.drainTo(batch, BATCH) == 0) {
                    LockSupport.parkNanos(IDLE_NANOS);
                    if (Thread.interrupted()) {
                        stopping = true;
                    }
                    continue;
                }
                batch.forEach(sink);
            } catch (RuntimeException e) {
                Logger.getLogger(AccessLog.class).warnf("access log lines lost: %s", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes what is queued, then stops the writer: the lines of the last requests are not lost at shutdown. */
    @PreDestroy
    void stop() {
        stopping = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
