package io.logstokengateway.identity;

import io.logstokengateway.auth.Caller;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.config.GatewayConfig.IdentityMode;
import io.logstokengateway.registry.UpstreamSecrets;
import io.vertx.core.MultiMap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Who the upstream sees: the client's credentials are always removed, then replaced by the service's own upstream
 * credentials or by the gateway's (with impersonation headers naming the service user).
 */
public final class UpstreamIdentity {

    /** Impersonation headers a client must never set itself, whatever the configuration. */
    private static final List<String> WELL_KNOWN_IMPERSONATION_HEADERS =
            List.of("x-proxy-user", "x-proxy-roles", "es-security-runas-user", "x-forwarded-user");

    public enum Upstream { ELASTICSEARCH, GRAYLOG }

    private final Upstream upstream;
    private final IdentityMode mode;
    private final String gatewayAuthorization;
    private final Optional<String> userHeader;
    private final Optional<String> rolesHeader;
    private final List<String> strippedHeaders;
    /** The last service credentials encoded, with their header: most requests in a row carry the same ones. */
    private volatile Encoded lastEncoded;

    private record Encoded(UpstreamSecrets secrets, String authorization) {
    }

    private UpstreamIdentity(Upstream upstream, GatewayConfig.Listener listener, Optional<String> userHeader, Optional<String> rolesHeader) {
        this.upstream = upstream;
        this.mode = listener.identity();
        this.gatewayAuthorization = listener.credentials().username()
                .map(user -> basic(user, listener.credentials().password().orElse("")))
                .orElse(null);
        this.userHeader = userHeader;
        this.rolesHeader = rolesHeader;
        List<String> stripped = new ArrayList<>(WELL_KNOWN_IMPERSONATION_HEADERS);
        userHeader.ifPresent(stripped::add);
        rolesHeader.ifPresent(stripped::add);
        stripped.add("authorization");
        stripped.add("proxy-authorization");
        this.strippedHeaders = List.copyOf(stripped);
    }

    /** The gateway's own credentials ({@code gateway.<listener>.credentials}), for its own requests to the upstream. */
    public Optional<String> gatewayAuthorization() {
        return Optional.ofNullable(gatewayAuthorization);
    }

    public static UpstreamIdentity forElasticsearch(GatewayConfig.SearchListener listener) {
        return new UpstreamIdentity(Upstream.ELASTICSEARCH, listener, listener.identityHeaders().user(), listener.identityHeaders().roles());
    }

    public static UpstreamIdentity forGraylog(GatewayConfig.GraylogListener listener) {
        return new UpstreamIdentity(Upstream.GRAYLOG, listener, Optional.empty(), Optional.empty());
    }

    /** Removes every client-supplied credential or impersonation header, then sets the caller's upstream identity. */
    public void apply(Caller caller, MultiMap headers) {
        for (String name : strippedHeaders) {
            headers.remove(name);
        }
        String authorization = mode == IdentityMode.GATEWAY_CREDENTIALS ? gatewayAuthorization : serviceAuthorization(caller.upstream());
        if (authorization != null) {
            headers.set("Authorization", authorization);
        }
        if (mode == IdentityMode.GATEWAY_CREDENTIALS) {
            userHeader.ifPresent(name -> headers.set(name, caller.username()));
            // The service user is also its backend role, to be mapped to index permissions upstream.
            rolesHeader.ifPresent(name -> headers.set(name, caller.username()));
        }
    }

    private String serviceAuthorization(UpstreamSecrets secrets) {
        Encoded last = lastEncoded;
        if (last != null && last.secrets() == secrets) {
            return last.authorization();
        }
        String authorization = encodeServiceAuthorization(secrets);
        lastEncoded = new Encoded(secrets, authorization);
        return authorization;
    }

    private String encodeServiceAuthorization(UpstreamSecrets secrets) {
        if (upstream == Upstream.GRAYLOG) {
            if (secrets.graylogToken() != null) {
                return basic(secrets.graylogToken(), "token");
            }
            return secrets.graylogUsername() == null ? null : basic(secrets.graylogUsername(), nullToEmpty(secrets.graylogPassword()));
        }
        return secrets.elasticsearchUsername() == null ? null
                : basic(secrets.elasticsearchUsername(), nullToEmpty(secrets.elasticsearchPassword()));
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
