package io.logstokengateway.registry;

import io.logstokengateway.error.GatewayError;
import io.logstokengateway.registry.OperationRecord.OperationState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The operations a change leaves for its caller to follow (OVHcloud's {@code /operation}), and the revocations behind
 * them. {@link Services} and {@link Tokens} record an operation and its revocation inside their own transaction
 * ({@link #record}, {@link #revoke}, which take the open connection), then, once it has committed,
 * {@link #applyHere} so this node refuses the old credential before answering; {@link ClusterNode} completes the
 * operation when every live node has. The public reads open their own transaction. Everything blocks on the
 * database: call from a worker thread.
 */
@ApplicationScoped
public class Operations {

    private final Jdbc jdbc;
    private final ClusterNode node;
    private final Event<Revocation> revocations;

    public Operations(Jdbc jdbc, ClusterNode node, Event<Revocation> revocations) {
        this.jdbc = jdbc;
        this.node = node;
        this.revocations = revocations;
    }

    public List<String> operationIds(String serviceName) {
        Names.requireExistingName(serviceName);
        return jdbc.inTransaction(c -> {
            Services.existing(c, serviceName);
            return OperationStore.ofService(c, serviceName).stream().map(OperationRecord::operationId).toList();
        });
    }

    public OperationRecord operation(String serviceName, String operationId) {
        Names.requireExistingId("operation", operationId);
        Names.requireExistingName(serviceName);
        return jdbc.inTransaction(c -> OperationStore.byId(c, serviceName, operationId))
                .orElseThrow(() -> GatewayError.notFound("operation " + operationId));
    }

    /** Records an operation in the caller's transaction. */
    OperationRecord record(Connection c, String serviceName, String tokenId, String action, OperationState state,
                           Long revocationId, Instant now) throws SQLException {
        OperationRecord operation = new OperationRecord(UUID.randomUUID().toString(), serviceName, tokenId, action, state,
                revocationId, now, now);
        OperationStore.insert(c, operation);
        return operation;
    }

    /** Records a revocation in the caller's transaction, acknowledged by this node: pass it to {@link #applyHere} once committed. */
    Revocation revoke(Connection c, Revocation.Kind kind, String serviceName, String tokenId) throws SQLException {
        long id = RevocationStore.insert(c, kind, serviceName, tokenId);
        RevocationStore.acknowledge(c, id, node.nodeId());
        return new Revocation(id, kind, serviceName, tokenId);
    }

    /** This node forgets what a committed revocation revokes (its credential caches listen). */
    void applyHere(Revocation revocation) {
        revocations.fire(revocation);
    }

    /**
     * Applies a committed revocation here, then reads its operation back: SUCCESS at once when this node is the only
     * live one, so the old credential is refused everywhere once the operation says so.
     */
    OperationRecord applyHere(Revocation revocation, OperationRecord operation) {
        applyHere(revocation);
        node.completeOperations();
        return operation(operation.serviceName(), operation.operationId());
    }
}
