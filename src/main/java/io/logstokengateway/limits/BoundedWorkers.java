package io.logstokengateway.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Blocking work of one kind on threads of its own, with a bounded queue: what is submitted beyond
 * {@code threads + queue} is refused at once ({@link LimitExceeded}) instead of waiting behind the rest, so that one
 * kind of work (password hashing, say) can neither delay another (token lookups) nor pile up without end.
 */
public final class BoundedWorkers {

    private final WorkerExecutor executor;
    private final int capacity;
    private final AtomicInteger pending = new AtomicInteger();
    private final String limit;
    private final int status;

    /**
     * @param limit  the {@code gateway.limits} property named when work is refused
     * @param status what the client gets then (429 or 503)
     */
    public BoundedWorkers(Vertx vertx, String name, int threads, int queue, String limit, int status) {
        this.executor = vertx.createSharedWorkerExecutor(name, threads);
        this.capacity = threads + queue;
        this.limit = limit;
        this.status = status;
    }

    /** Runs {@code work} on one of the threads, or fails at once with {@link LimitExceeded} when all are taken. */
    public <T> Future<T> submit(Callable<T> work) {
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            return Future.failedFuture(new LimitExceeded(limit, status, Duration.ofSeconds(1),
                    "the gateway is busy with other clients' checks; try again shortly"));
        }
        return executor.executeBlocking(work, false).andThen(done -> pending.decrementAndGet());
    }

    /** Work submitted and not finished (running or waiting). */
    public int pending() {
        return pending.get();
    }

    public void close() {
        executor.close();
    }
}
