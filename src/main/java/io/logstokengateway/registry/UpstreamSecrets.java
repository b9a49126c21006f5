package io.logstokengateway.registry;

/** A service's own upstream credentials, opened for one authenticated caller; absent parts are {@code null}. */
public record UpstreamSecrets(
        String elasticsearchUsername,
        String elasticsearchPassword,
        String graylogUsername,
        String graylogPassword,
        String graylogToken) {

    @Override
    public String toString() {
        return "UpstreamSecrets[redacted]";
    }
}
