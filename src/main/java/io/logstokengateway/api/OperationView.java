package io.logstokengateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.logstokengateway.registry.OperationRecord;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** An operation as OVHcloud clients poll it until {@code SUCCESS}, then read {@code tokenId}. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Operation")
public record OperationView(
        String operationId,
        String serviceName,
        OperationRecord.OperationState state,
        String tokenId,
        Instant createdAt,
        Instant updatedAt) {

    static OperationView of(OperationRecord operation) {
        return new OperationView(operation.operationId(), operation.serviceName(), operation.state(), operation.tokenId(),
                operation.createdAt(), operation.updatedAt());
    }
}
