package io.logstokengateway.proxy;

import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Headers that describe one connection, not the message (RFC 9110 7.6.1, and HTTP/2's upgrade settings, RFC 7540
 * 3.2.1), plus {@code Host} and {@code Expect}, which the gateway answers or sets itself: never copied in either
 * direction. {@code Connection} may name more, except the headers that frame or describe the message itself: a sender
 * must not name those (RFC 9110 7.6.1), and obeying would forward a body without its length or type, so such names
 * are ignored.
 */
final class HopByHop {

    private static final String[] HEADERS = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings", "expect", "host"};
    /** End-to-end headers a {@code Connection} value cannot remove. */
    private static final Set<String> NOT_CONNECTION_OPTIONS = Set.of("content-length", "content-type", "content-encoding",
            "content-range", "content-language", "content-location", "content-md5", "transfer-encoding", "host", "authorization",
            "cache-control", "date", "accept", "accept-encoding", "x-elastic-product", "www-authenticate", "location", "retry-after");

    private HopByHop() {
    }

    /** Copies the end-to-end headers of {@code from} into {@code to}, including those named by {@code Connection}. */
    static void copyEndToEnd(MultiMap from, MultiMap to) {
        List<String> named = namedByConnection(from.getAll("connection"));
        for (Map.Entry<String, String> entry : from) {
            String name = entry.getKey();
            if (!isHopByHop(name, named)) {
                to.add(name, entry.getValue());
            }
        }
    }

    /**
     * The header names listed in the {@code Connection} values, trimmed, less those it may not name; empty (and not
     * allocated) when there are none.
     */
    private static List<String> namedByConnection(List<String> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!NOT_CONNECTION_OPTIONS.contains(name.toLowerCase(Locale.ROOT))) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean isHopByHop(String name, List<String> namedByConnection) {
        int length = name.length();
        for (String header : HEADERS) {
            if (header.length() == length && header.equalsIgnoreCase(name)) {
                return true;
            }
        }
        for (int i = 0; i < namedByConnection.size(); i++) {
            if (namedByConnection.get(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
