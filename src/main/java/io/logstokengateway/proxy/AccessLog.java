package io.logstokengateway.proxy;

import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

import java.time.Instant;

/** One JSON line per proxied request on the {@code gateway.access} category: who, what, how it ended; never a secret. */
final class AccessLog {

    private static final Logger LOG = Logger.getLogger("gateway.access");

    private AccessLog() {
    }

    static void write(Exchange exchange) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        JsonObject line = new JsonObject()
                .put("time", Instant.now().toString())
                .put("listener", exchange.listener)
                .put("client", exchange.clientAddress)
                .put("method", exchange.method)
                .put("path", exchange.path)
                .put("status", exchange.status)
                .put("durationMs", exchange.elapsedMillis())
                .put("service", exchange.serviceName)
                .put("tokenId", exchange.tokenId)
                .put("outcome", exchange.outcome.label);
        LOG.info(line.encode());
    }
}
