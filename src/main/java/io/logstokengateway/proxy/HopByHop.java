package io.logstokengateway.proxy;

import io.vertx.core.MultiMap;

import java.util.List;

/**
 * Headers that describe one connection, not the message (RFC 9110 7.6.1), plus {@code Host} and {@code Expect}, which
 * the gateway answers or sets itself: never copied in either direction.
 */
final class HopByHop {

    private static final List<String> HEADERS = List.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect", "host");

    private HopByHop() {
    }

    /** Copies the end-to-end headers of {@code from} into {@code to}, including those named by {@code Connection}. */
    static void copyEndToEnd(MultiMap from, MultiMap to) {
        List<String> named = from.getAll("connection");
        from.forEach(entry -> {
            String name = entry.getKey();
            if (!isHopByHop(name, named)) {
                to.add(name, entry.getValue());
            }
        });
    }

    private static boolean isHopByHop(String name, List<String> namedByConnection) {
        for (String header : HEADERS) {
            if (header.equalsIgnoreCase(name)) {
                return true;
            }
        }
        for (String value : namedByConnection) {
            for (String token : value.split(",")) {
                if (token.trim().equalsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
