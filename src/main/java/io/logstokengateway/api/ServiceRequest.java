package io.logstokengateway.api;

import io.logstokengateway.registry.ServiceRecord;
import io.logstokengateway.registry.ServiceSpec;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * Body of {@code POST /admin/services} (serviceName and username required) and {@code PATCH
 * /admin/services/{serviceName}} (every field optional; absent means unchanged). Secrets arrive in clear and go
 * straight to the registry, which hashes or seals them; they are never answered back.
 */
@Schema(name = "ServiceProvisioning")
public record ServiceRequest(
        String serviceName,
        String username,
        @Schema(description = "Account password (12 to 256 characters), for the token API and the proxies") String password,
        String displayName,
        ServiceRecord.ServiceState state, // a DISABLED service's credentials are all refused
        Elasticsearch elasticsearch,
        Graylog graylog) {

    /** The service's upstream identity on the search API and its index scope. */
    @Schema(name = "ServiceProvisioningElasticsearch")
    public record Elasticsearch(String username, String password, List<String> readPatterns, List<String> writePatterns) {
        @Override
        public String toString() {
            return "Elasticsearch[" + username + ", password redacted]";
        }
    }

    /** The service's upstream identity on Graylog: username and password, or a Graylog access token. */
    @Schema(name = "ServiceProvisioningGraylog")
    public record Graylog(String username, String password, String token) {
        @Override
        public String toString() {
            return "Graylog[" + username + ", secrets redacted]";
        }
    }

    /** The registry's spec: {@code null} everywhere something was not given. */
    ServiceSpec toSpec() {
        Elasticsearch es = elasticsearch != null ? elasticsearch : new Elasticsearch(null, null, null, null);
        Graylog gl = graylog != null ? graylog : new Graylog(null, null, null);
        return new ServiceSpec(serviceName, username, password, displayName, state,
                es.username(), es.password(), es.readPatterns(), es.writePatterns(),
                gl.username(), gl.password(), gl.token());
    }

    @Override
    public String toString() {
        return "ServiceRequest[" + serviceName + ", secrets redacted]";
    }
}
