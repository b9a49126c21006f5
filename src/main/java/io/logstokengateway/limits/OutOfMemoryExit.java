package io.logstokengateway.limits;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * A gateway out of memory must not live on as a zombie that resets every connection: the first
 * {@link OutOfMemoryError} that reaches a thread's or Vert.x's last handler makes the process exit (status 3) with
 * one clear line, so that its supervisor starts a fresh one. The JVM option {@code -XX:+ExitOnOutOfMemoryError}, set by
 * every launcher of this project, does the same for errors the code never sees; this covers a JVM started without it.
 */
@ApplicationScoped
public class OutOfMemoryExit {

    private static final Logger LOG = Logger.getLogger(OutOfMemoryExit.class);
    static final int EXIT_STATUS = 3;

    void install(@Observes StartupEvent startup, Vertx vertx) {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            exitIfOutOfMemory(failure);
            if (previous != null) {
                previous.uncaughtException(thread, failure);
            }
        });
        vertx.exceptionHandler(OutOfMemoryExit::exitIfOutOfMemory);
    }

    static void exitIfOutOfMemory(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof OutOfMemoryError) {
                // halt, not exit: shutdown hooks need memory and locks a broken process may not have. Straight to
                // stderr, not through the logger, for the same reason; the message is the JVM's own ("Java heap space").
                System.err.println("FATAL logs-token-gateway is out of memory (" + cause.getMessage() + "): exiting so that it is restarted");
                Runtime.getRuntime().halt(EXIT_STATUS);
            }
        }
    }
}
