package io.logstokengateway.proxy;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.limits.BodyBudget;
import io.logstokengateway.limits.BoundedWorkers;
import io.logstokengateway.limits.CallerConcurrency;
import io.logstokengateway.limits.LimitRefusals;
import io.vertx.core.Vertx;

/**
 * What the proxy listeners share: the front door for credentials, the limits and their accounting, the pool for large
 * checks, metrics, the access log, audit.
 */
record ProxyServices(CallerAuthentication authentication, ProxyMetrics metrics, AccessLog accessLog, AuditLog audit, Vertx vertx,
                     LimitRefusals limitRefusals, BodyBudget bodies, CallerConcurrency callers, BoundedWorkers checks,
                     GatewayConfig.Limits limits) {

    /** Paths, bodies and body lines larger than this are checked on {@link #checks}, not on the event loop. */
    static final int INLINE_CHECK_BYTES = 64 * 1024;
}
