package io.logstokengateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.net.HostAndPort;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a request's header fields are valid HTTP (RFC 9110, section 5): each name a token, each value without
 * control characters but the tab; and whether the host it names is one. HTTP/1.1's parser refuses the rest before the gateway sees it, but over HTTP/2 a
 * header block may carry any bytes; what the gateway forwards must be valid HTTP/1.1 for the upstream to read it as
 * the gateway did (a line break in a value would be read there as a second header, or a second request).
 */
final class HeaderSyntax {

    private static final boolean[] TOKEN = new boolean[128];
    /** An IPv6 address in brackets (RFC 3986 IP-literal), an IPv4 one possibly at its end. */
    private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9A-Fa-f:.]+]");

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private HeaderSyntax() {
    }

    static boolean valid(MultiMap headers) {
        for (Map.Entry<String, String> header : headers) {
            if (!token(header.getKey()) || !fieldValue(header.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the host a request names ({@code Host}, or {@code :authority} on HTTP/2) is one: Vert.x checks host names
     * and IPv4 addresses, but takes anything between brackets as an IPv6 address, line breaks included.
     */
    static boolean validAuthority(HostAndPort authority) {
        return authority == null || !authority.host().startsWith("[") || IPV6_LITERAL.matcher(authority.host()).matches();
    }

    private static boolean token(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !TOKEN[c]) {
                return false;
            }
        }
        return true;
    }

    /** Visible characters, spaces, tabs and obs-text (bytes 0x80 to 0xFF, as HTTP allows). */
    private static boolean fieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }
}
