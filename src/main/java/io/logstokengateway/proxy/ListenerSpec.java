package io.logstokengateway.proxy;

import io.logstokengateway.identity.UpstreamIdentity;

/**
 * What differs between the proxy listeners, as data: the name they are logged and counted under, the dialect of their
 * errors, what they let through, who the upstream sees, where it is, how large a body they read whole to check, and
 * the guard of their connections.
 */
record ListenerSpec(String name, ErrorDialect dialect, RoutePolicy policy, UpstreamIdentity identity, UpstreamClient upstream,
                    long maxCheckedBodyBytes, ConnectionGuard connections) {
}
