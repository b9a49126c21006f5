package io.logstokengateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.logstokengateway.registry.ServiceRecord;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * A service as the operator sees it: everything needed to check the provisioning, and for each secret only
 * whether it is set. No password, token or hash ever leaves through this view.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "ProvisionedService")
public record AdminServiceView(
        String serviceName,
        String username,
        String displayName,
        ServiceRecord.ServiceState state,
        @Schema(description = "Whether the account has a password (without one, only the operator can manage its tokens)")
        boolean passwordSet,
        Elasticsearch elasticsearch,
        Graylog graylog,
        Instant createdAt,
        Instant updatedAt) {

    @Schema(name = "ProvisionedServiceElasticsearch")
    public record Elasticsearch(String username, boolean passwordSet, List<String> readPatterns, List<String> writePatterns) {
    }

    @Schema(name = "ProvisionedServiceGraylog")
    public record Graylog(String username, boolean passwordSet, boolean tokenSet) {
    }

    static AdminServiceView of(ServiceRecord s) {
        return new AdminServiceView(s.serviceName(), s.username(), s.displayName(), s.state(), s.passwordHash() != null,
                new Elasticsearch(s.elasticsearchUsername(), s.elasticsearchPasswordSealed() != null, s.readPatterns(), s.writePatterns()),
                new Graylog(s.graylogUsername(), s.graylogPasswordSealed() != null, s.graylogTokenSealed() != null),
                s.createdAt(), s.updatedAt());
    }
}
