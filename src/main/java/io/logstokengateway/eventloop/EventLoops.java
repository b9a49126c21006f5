package io.logstokengateway.eventloop;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Keeping each request on its own event loop when work is shared between requests of several. */
public final class EventLoops {

    private EventLoops() {
    }

    /**
     * {@code shared}, completed on the caller's context: a future shared by requests of several event loops (one
     * credential lookup, one catalog read) completes on the loop that started it, and a request must go on on its own
     * thread. Off any context (a blocking caller waiting for it), {@code shared} itself.
     */
    public static <T> Future<T> onThisContext(Future<T> shared) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return shared;
        }
        Promise<T> here = Promise.promise();
        shared.onComplete(done -> context.runOnContext(v -> here.handle(done)));
        return here.future();
    }
}
