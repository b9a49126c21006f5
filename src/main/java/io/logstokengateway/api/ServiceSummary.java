package io.logstokengateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.logstokengateway.registry.ServiceRecord;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** A service as its owner sees it in the token API ({@code GET /dbaas/logs/{serviceName}}). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Service")
public record ServiceSummary(
        String serviceName,
        String username,
        String displayName,
        ServiceRecord.ServiceState state,
        Instant createdAt,
        Instant updatedAt) {

    static ServiceSummary of(ServiceRecord service) {
        return new ServiceSummary(service.serviceName(), service.username(), service.displayName(), service.state(),
                service.createdAt(), service.updatedAt());
    }
}
