package io.logstokengateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.vertx.core.http.ClientAuth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every {@code gateway.*} property. Cross-field rules are checked by {@link ConfigValidator}. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Folder of the embedded registry and of the generated secret key. */
    @WithDefault("./data")
    Path dataDir();

    Admin admin();

    Management management();

    Secrets secrets();

    Registry registry();

    SearchListener elasticsearch();

    GraylogListener graylog();

    PublicUrl publicUrl();

    AuthCache auth();

    Cluster cluster();

    Shutdown shutdown();

    Tokens tokens();

    Audit audit();

    Limits limits();

    ProxyProtocol proxyProtocol();

    interface Admin {
        /**
         * Operator key, sent as {@code Authorization: Bearer <key>}: at least 32 random bytes, hex or base64
         * ({@code openssl rand -hex 32}); without it the admin API refuses everyone.
         */
        Optional<String> key();
    }

    interface Management {
        /**
         * TLS client certificates on the management listener once it serves HTTPS: {@code none}, {@code request}
         * (checked against {@code quarkus.tls.trust-store.*} when presented) or {@code required} (no connection
         * without one). Credentials are asked for as before either way.
         */
        @WithDefault("none")
        ClientAuth clientAuth();
    }

    interface Secrets {
        /** Base64 of 32 random bytes; required when nodes share PostgreSQL, generated into the data dir otherwise. */
        Optional<String> key();
    }

    interface Registry {
        /** {@code h2} (embedded file under the data dir) or {@code postgresql} ({@code quarkus.datasource.postgresql.*}). */
        @WithDefault("h2")
        RegistryKind kind();
    }

    enum RegistryKind { h2, postgresql }

    enum IdentityMode {
        /** The service's own upstream credentials, registered by the operator. */
        SERVICE_CREDENTIALS,
        /** The gateway's credentials, optionally with impersonation headers naming the service user. */
        GATEWAY_CREDENTIALS
    }

    /** What both proxy listeners share. */
    interface Listener {
        /** Interface the listener binds. */
        @WithDefault("0.0.0.0")
        String host();

        /** One upstream URL or several (round-robin, failover on connect errors). */
        List<URI> upstream();

        /** {@code service-credentials} or {@code gateway-credentials}. */
        @WithDefault("service-credentials")
        IdentityMode identity();

        /** The gateway's own upstream account, for {@code gateway-credentials}. */
        UpstreamCredentials credentials();

        /** Trust settings for an {@code https} upstream. */
        Tls tls();

        /** Time allowed to open an upstream connection before trying the next upstream. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Time the upstream may stay silent before the client gets a 504. */
        @WithDefault("120s")
        Duration idleTimeout();

        /** Keep-alive connections per upstream. */
        @WithDefault("200")
        int maxConnections();
    }

    interface SearchListener extends Listener {
        /** Port of the search API listener; 0 picks a free one. */
        @WithDefault("9200")
        int port();

        /** Impersonation headers sent in {@code gateway-credentials} mode. */
        IdentityHeaders identityHeaders();

        /** Which indices each service may read and write. */
        Scope scope();
    }

    interface Scope {
        /** Confine each service to its read and write patterns (deny by default); {@code false} forwards every request. */
        @WithDefault("true")
        boolean enforce();

        /** Largest body the gateway reads whole to check it ({@code _msearch}, {@code _bulk}, ...); larger ones get a 413. */
        @WithDefault("16M")
        MemorySize maxBodySize();

        /** Primary shards an index created (or templated) through the gateway may have. */
        @WithDefault("5")
        int maxShardsPerIndex();

        /** Replicas an index created (or templated, or updated) through the gateway may have. */
        @WithDefault("2")
        int maxReplicas();

        /** Indices one service may hold (those within its write patterns); creating more is refused. */
        @WithDefault("1000")
        int maxIndicesPerService();

        /** How long a scroll, point-in-time or async-search id handed to a client stays valid after the answer that carried it. */
        @WithDefault("24h")
        Duration searchContextLifetime();

        /** How often the gateway reads the cluster's indices and aliases; it also reads them before deciding on a name it does not know. */
        @WithDefault("1s")
        Duration catalogRefresh();
    }

    interface GraylogListener extends Listener {
        /** Port of the Graylog API listener; 0 picks a free one. */
        @WithDefault("9000")
        int port();

        /** Where users find the Graylog web interface, quoted when the gateway refuses a web UI path. */
        Optional<String> webUiUrl();
    }

    interface UpstreamCredentials {
        /** Upstream username in {@code gateway-credentials} mode. */
        Optional<String> username();

        /** Upstream password in {@code gateway-credentials} mode. */
        Optional<String> password();
    }

    interface IdentityHeaders {
        /** Header naming the service user, e.g. {@code x-proxy-user} or {@code es-security-runas-user}. */
        Optional<String> user();

        /** Header naming the service user's roles, e.g. {@code x-proxy-roles}. */
        Optional<String> roles();
    }

    interface Tls {
        /** PEM file of the CA certificates to trust (private CAs); the JVM's trust store otherwise. */
        Optional<Path> trustCertificates();

        /** Check that the upstream certificate names the upstream host. */
        @WithDefault("true")
        boolean verifyHostname();
    }

    interface PublicUrl {
        /** Public address of the Graylog API listener, listed by {@code GET /dbaas/logs/{service}/url}. */
        @WithName("graylog-api")
        Optional<String> graylogApi();

        /** Public address of the search API listener. */
        @WithName("elasticsearch-api")
        Optional<String> elasticsearchApi();

        /** Public address of the Graylog web interface. */
        @WithName("graylog-webui")
        Optional<String> graylogWebui();
    }

    interface AuthCache {
        /** Credentials remembered as valid (tokens and account passwords). */
        @WithDefault("100000")
        int cacheSize();

        /** How long a valid credential is trusted without asking the registry again. */
        @WithDefault("10m")
        Duration cacheTtl();

        /** Credentials remembered as invalid, so garbage cannot hammer the registry. */
        @WithDefault("10000")
        int negativeCacheSize();

        /** How long an invalid credential is refused without asking the registry again. */
        @WithDefault("30s")
        Duration negativeCacheTtl();

        /** Password and operator-key guessing, throttled on every listener. */
        Throttle throttle();
    }

    interface Throttle {
        /** Failed password checks allowed per username within {@code window}; beyond, 429 until the budget refills. */
        @WithDefault("5")
        int failuresPerUsername();

        /** Failed password or key checks allowed per client address (an IPv6 client: per /64) within {@code window}. */
        @WithDefault("20")
        int failuresPerAddress();

        /** The window of both budgets; they refill steadily, one attempt every {@code window / failures}. */
        @WithDefault("15m")
        Duration window();

        /** Usernames and client addresses with failures on record at once (the least active are forgotten first). */
        @WithDefault("100000")
        int maxTracked();
    }

    interface Tokens {
        /** Longest lifetime of a token; a token created without {@code expiresAt} then expires after it. */
        Optional<Duration> maxTtl();

        /** Tokens one service may hold at once. */
        @WithDefault("100")
        int maxPerService();
    }

    interface Audit {
        /**
         * Events of unauthenticated clients (failed or throttled authentication) written per second at most, for each
         * event type; the rest are counted in {@code audit.suppressed}.
         */
        @WithDefault("20")
        int maxEventsPerSecond();

        /** Of those, events caused by one client address written per second at most, so that one client cannot take the whole budget. */
        @WithDefault("5")
        int maxEventsPerClientPerSecond();
    }

    /**
     * What one client can make the gateway hold, compute or wait for: every size, count and cost a client controls is
     * bounded here, and beyond it the client gets a clear refusal (429 or 503 with {@code Retry-After} when waiting
     * helps, 400, 408, 413 or 431 when the request itself is too big or too slow), counted in
     * {@code gateway_limits_refused_total{limit}}.
     */
    interface Limits {
        /** Longest {@code Authorization} header considered; a longer one is refused like any bad credential. */
        @WithDefault("1024")
        int maxCredentialLength();

        /** Password checks (Argon2id, 19 MiB each) made at once, on threads of their own. */
        @WithDefault("2")
        int passwordChecks();

        /** Password checks waiting for one of those threads; beyond, the check is not made and the client gets 429. */
        @WithDefault("16")
        int passwordCheckQueue();

        /** Token lookups in the registry made at once, on threads of their own. */
        @WithDefault("4")
        int tokenLookups();

        /** Token lookups waiting for one of those threads; beyond, the client gets 503. */
        @WithDefault("256")
        int tokenLookupQueue();

        /** Request bodies (and answers) the gateway holds to check or rewrite them, all clients together; beyond, 503. */
        @WithDefault("128M")
        MemorySize heldBodies();

        /** The share of {@code held-bodies} one service may hold; beyond, 429. */
        @WithDefault("32M")
        MemorySize heldBodiesPerService();

        /** Time a body the gateway reads may stay silent before the request is answered 408 and its connection closed. */
        @WithDefault("30s")
        Duration bodyIdleTimeout();

        /** Largest ratio of decoded to encoded size of a compressed body; a greater one is refused (413). */
        @WithDefault("100")
        int maxDecompressionRatio();

        /**
         * Large checks made at once (a long path decided, a body or a body line of more than 64 KiB parsed), on threads
         * of their own rather than on the threads that serve every connection.
         */
        @WithDefault("2")
        int bodyChecks();

        /** Large checks waiting for one of those threads; beyond, the client gets 503. */
        @WithDefault("64")
        int bodyCheckQueue();

        /** Index names, aliases and patterns in one index expression (path, header or body field). */
        @WithDefault("1000")
        int maxIndexNames();

        /** Query parameters in one request. */
        @WithDefault("64")
        int maxQueryParameters();

        /** Lines of an {@code _msearch} or {@code _bulk} body the gateway checks. */
        @WithDefault("1000000")
        int maxBodyLines();

        /** Longest {@code _bulk} action line, {@code _msearch} header or search line the gateway reads (documents stream). */
        @WithDefault("1M")
        MemorySize maxCheckedLine();

        /** Longest request line (method, path, query). */
        @WithDefault("16K")
        MemorySize maxRequestLine();

        /** Largest request head (all header lines together). */
        @WithDefault("16K")
        MemorySize maxHeaderSize();

        /** Time a client has to send its first request's head once it connected. */
        @WithDefault("10s")
        Duration headerTimeout();

        /** Time an open connection may stay silent once answered (between requests), or in a body the gateway streams. */
        @WithDefault("120s")
        Duration idleTimeout();

        /** Open connections from one client address (an IPv6 client by its /64) on each proxy listener. */
        @WithDefault("256")
        int connectionsPerAddress();

        /** Open connections on each proxy listener, all clients together. */
        @WithDefault("10000")
        int connections();

        /** Requests of one token (or account) under way at once; beyond, 429. */
        @WithDefault("64")
        int requestsPerCaller();

        /**
         * Requests of one service (all its tokens and its account) under way at once; beyond, 429. Keep it below the
         * upstreams' {@code max-connections}, so that one tenant never holds them all.
         */
        @WithDefault("128")
        int requestsPerService();
    }

    /**
     * Clients behind a TCP load balancer: their own addresses, which the per-address limits, the throttle, the access log
     * and the audit trail need, arrive in a PROXY protocol header (v1 or v2) that the balancer sends first on each
     * connection.
     */
    interface ProxyProtocol {
        /**
         * Addresses and networks ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 192.0.2.10}) of the balancers. When set,
         * the search and Graylog listeners expect the PROXY protocol on every connection: a connection without the
         * header, or from any other address, is closed before anything else is read. Unset (the default), the
         * listeners take no PROXY header.
         */
        Optional<List<String>> trustedSources();
    }

    interface Cluster {
        /** How often a node announces itself and applies revocations made by other nodes. */
        @WithDefault("1s")
        Duration pollInterval();

        /** A node silent for longer than this is no longer waited for by revocations. */
        @WithDefault("15s")
        Duration nodeTimeout();
    }

    interface Shutdown {
        /**
         * On SIGTERM, after {@code quarkus.shutdown.delay} (readiness down, still serving), how long the proxy listeners
         * wait for the requests under way (streams included) before closing their connections anyway.
         */
        @WithDefault("30s")
        Duration drainTimeout();
    }
}
