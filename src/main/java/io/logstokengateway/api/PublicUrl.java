package io.logstokengateway.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Where a client reaches one of the gateway's public endpoints ({@code GET /dbaas/logs/{serviceName}/url}). */
@Schema(name = "Url")
public record PublicUrl(String address, Type type) {

    /** The OVHcloud names of the endpoints. */
    @Schema(name = "UrlType")
    public enum Type { GRAYLOG_API, ELASTICSEARCH_API, GRAYLOG_WEBUI }
}
