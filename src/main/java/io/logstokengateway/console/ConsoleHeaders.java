package io.logstokengateway.console;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on everything under {@code /console}, pages and assets alike: a strict Content-Security-Policy
 * (only the gateway's own script and style, no inline code, no framing, forms post only to the gateway), no MIME
 * sniffing, no referrer. Pages are never stored by a cache (they may show a token value); assets may be.
 */
@ApplicationScoped
public class ConsoleHeaders {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    static final String ASSETS = "/console/assets/";
    /** Before the REST and static-resource handlers. */
    private static final int PRIORITY = 10;

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String path = rc.normalizedPath();
            if (path.equals("/console") || path.startsWith("/console/")) {
                MultiMap headers = rc.response().headers();
                headers.set("Content-Security-Policy", CSP);
                headers.set("X-Content-Type-Options", "nosniff");
                headers.set("Referrer-Policy", "no-referrer");
                headers.set("X-Frame-Options", "DENY");
                if (!path.startsWith(ASSETS)) {
                    headers.set("Cache-Control", "no-store");
                }
            }
            rc.next();
        }, PRIORITY);
    }
}
