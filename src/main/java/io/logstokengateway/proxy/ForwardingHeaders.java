package io.logstokengateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the upstream is told about the client. The gateway speaks for itself: a client's {@code Forwarded},
 * {@code X-Real-IP} and {@code X-Forwarded-*} claims are removed, except {@code X-Forwarded-For}, whose every header is
 * kept (joined) and appended with the address the gateway saw; {@code X-Forwarded-Proto} and {@code -Host} are the
 * gateway's own.
 */
final class ForwardingHeaders {

    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private ForwardingHeaders() {
    }

    /** {@code out} already holds the client's end-to-end headers; {@code client} is the address the gateway saw. */
    static void apply(HttpServerRequest request, String client, MultiMap out) {
        List<String> priorFor = request.headers().getAll(FORWARDED_FOR);
        List<String> claims = null; // rarely any: nothing is allocated for them then
        for (Map.Entry<String, String> header : out) {
            if (isClaim(header.getKey())) {
                (claims == null ? claims = new ArrayList<>() : claims).add(header.getKey());
            }
        }
        if (claims != null) {
            claims.forEach(out::remove);
        }
        String chain = String.join(", ", priorFor);
        if (client != null) {
            chain = chain.isEmpty() ? client : chain + ", " + client;
        }
        if (!chain.isEmpty()) {
            out.set(FORWARDED_FOR, chain);
        }
        out.set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
        if (request.authority() != null) {
            out.set("X-Forwarded-Host", request.authority().toString());
        }
    }

    private static boolean isClaim(String name) {
        return name.equalsIgnoreCase("forwarded") || name.equalsIgnoreCase("x-real-ip")
                || name.regionMatches(true, 0, "x-forwarded-", 0, "x-forwarded-".length());
    }
}
