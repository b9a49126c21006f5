package io.logstokengateway.registry;

import java.time.Instant;

/** An asynchronous-looking task, as OVHcloud clients poll them until {@code SUCCESS}. */
public record OperationRecord(
        String operationId,
        String serviceName,
        String tokenId,
        String action,
        OperationState state,
        Long revocationId,
        Instant createdAt,
        Instant updatedAt) {

    public enum OperationState { PENDING, RECEIVED, STARTED, RUNNING, SUCCESS, FAILURE, REVOKED, RETRY }
}
