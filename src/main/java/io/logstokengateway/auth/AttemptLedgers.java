package io.logstokengateway.auth;

import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.registry.AttemptLedgerStore;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * Which attempt ledger this node uses: in its memory on the embedded registry (one node per H2 file), in the
 * database when nodes share a PostgreSQL registry, so that a request may land on any of them.
 */
@ApplicationScoped
class AttemptLedgers {

    @Produces
    @ApplicationScoped
    AttemptLedger ledger(GatewayConfig config, AttemptLedgerStore store, Vertx vertx) {
        return config.registry().kind() == GatewayConfig.RegistryKind.postgresql
                ? new SharedAttemptLedger(store, vertx, config)
                : new MemoryAttemptLedger(config);
    }

    void close(@Disposes AttemptLedger ledger) {
        if (ledger instanceof SharedAttemptLedger shared) {
            shared.close();
        }
    }
}
