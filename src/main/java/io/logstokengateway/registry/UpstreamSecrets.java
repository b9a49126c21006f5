package io.logstokengateway.registry;

/** A service's own upstream credentials, opened for one authenticated caller; absent parts are {@code null}. */
public record UpstreamSecrets(
        String elasticsearchUsername,
        String elasticsearchPassword,
        String graylogUsername,
        String graylogPassword,
        String graylogToken) {

    /** What a service's sealed secrets are bound to: a sealed value moved to another service does not open. */
    static String sealingContext(String serviceName) {
        return "service:" + serviceName;
    }

    @Override
    public String toString() {
        return "UpstreamSecrets[redacted]";
    }
}
