package io.logstokengateway.registry;

import java.util.List;

/**
 * What an operator sets on a service, on creation or as a patch: {@code null} means "not given" (keep the
 * current value, or the default on creation). Secrets arrive in clear and are hashed or sealed at once.
 */
public record ServiceSpec(
        String serviceName,
        String username,
        String password,
        String displayName,
        ServiceRecord.ServiceState state,
        String elasticsearchUsername,
        String elasticsearchPassword,
        List<String> readPatterns,
        List<String> writePatterns,
        String graylogUsername,
        String graylogPassword,
        String graylogToken) {
}
