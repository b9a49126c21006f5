package io.logstokengateway.registry;

import java.time.Instant;
import java.util.List;

/** A customer's service as stored: secrets stay sealed until {@link CredentialResolver} opens them for one use. */
public record ServiceRecord(
        String serviceName,
        String username,
        String displayName,
        ServiceState state,
        String passwordHash,
        String elasticsearchUsername,
        String elasticsearchPasswordSealed,
        List<String> readPatterns,
        List<String> writePatterns,
        String graylogUsername,
        String graylogPasswordSealed,
        String graylogTokenSealed,
        Instant createdAt,
        Instant updatedAt) {

    public enum ServiceState { ENABLED, DISABLED }

    /** Default read patterns of a service: its aliases and its indices. */
    public static List<String> defaultReadPatterns(String username) {
        return List.of(username + "-a-*", username + "-i-*");
    }

    /** Default write patterns of a service: its indices. */
    public static List<String> defaultWritePatterns(String username) {
        return List.of(username + "-i-*");
    }
}
