package io.logstokengateway.auth;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;

/** The address a request came from, as the throttle and the audit trail name the client. */
public final class ClientAddress {

    private ClientAddress() {
    }

    /**
     * What counts as one client for the limits and the throttle: an IPv4 address as it is, an IPv6 address by its /64
     * network (one host is commonly given a whole /64), {@code unknown} when there is none.
     */
    public static String key(String address) {
        if (address == null || address.isEmpty()) {
            return "unknown";
        }
        if (address.indexOf(':') >= 0) {
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress(); // a numeric literal: no name lookup
                if (bytes.length == 16) {
                    return HexFormat.of().formatHex(Arrays.copyOf(bytes, 8)) + "/64";
                }
            } catch (UnknownHostException | SecurityException e) {
                // not a literal after all: counted as written
            }
        }
        return address;
    }

    /**
     * A numeric address in one spelling ({@code 10.1.2.3}, {@code 2001:db8::7}) whatever the spelling it came in; anything
     * else as it is.
     */
    public static String canonical(String address) {
        byte[] bytes = address == null ? null : NetUtil.createByteArrayFromIpAddressString(address);
        return bytes == null ? address : NetUtil.bytesToIpAddress(bytes);
    }

    /** The peer's numeric address ({@code unknown} if the connection has none). */
    public static String of(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
