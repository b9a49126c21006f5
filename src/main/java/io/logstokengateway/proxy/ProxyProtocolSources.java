package io.logstokengateway.proxy;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The load balancers allowed to speak the PROXY protocol ({@code gateway.proxy-protocol.trusted-sources}): a header
 * names the client, so only a peer trusted to tell the truth may send one. Addresses and networks are numeric
 * literals, never names to look up.
 */
public final class ProxyProtocolSources {

    private final List<IpSubnetFilterRule> networks;
    private final String written;

    private ProxyProtocolSources(List<IpSubnetFilterRule> networks, String written) {
        this.networks = networks;
        this.written = written;
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code fd00::/8} or a single address ({@code 192.0.2.10}, a /32 or /128).
     *
     * @throws IllegalArgumentException naming the first entry that is not a numeric address or network
     */
    public static ProxyProtocolSources parse(List<String> entries) {
        List<IpSubnetFilterRule> networks = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (String entry : entries) {
            String trimmed = entry.strip();
            int slash = trimmed.indexOf('/');
            byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? trimmed : trimmed.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + entry + "' is not a numeric IP address or network (like 10.0.0.0/8)");
            }
            int maxPrefix = address.length * 8;
            int prefix = maxPrefix;
            if (slash >= 0) {
                String digits = trimmed.substring(slash + 1);
                prefix = digits.matches("[0-9]{1,3}") ? Integer.parseInt(digits) : -1;
                if (prefix < 0 || prefix > maxPrefix) {
                    throw new IllegalArgumentException("'" + entry + "' has no prefix length between 0 and " + maxPrefix);
                }
            }
            try {
                networks.add(new IpSubnetFilterRule(InetAddress.getByAddress(address), prefix, IpFilterRuleType.ACCEPT));
                written.add(trimmed);
            } catch (UnknownHostException impossible) { // only thrown for a byte array of the wrong length
                throw new IllegalArgumentException("'" + entry + "' is not an IP address", impossible);
            }
        }
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("no address or network is given");
        }
        return new ProxyProtocolSources(List.copyOf(networks), String.join(", ", written));
    }

    /** The addresses and networks as the operator wrote them. */
    @Override
    public String toString() {
        return written;
    }

    /** Whether the connection's actual peer (not the client its PROXY header names) is one of the balancers. */
    boolean trusts(SocketAddress peer) {
        byte[] address = peer == null || peer.hostAddress() == null ? null : NetUtil.createByteArrayFromIpAddressString(peer.hostAddress());
        if (address == null) {
            return false;
        }
        InetSocketAddress socket;
        try {
            socket = new InetSocketAddress(InetAddress.getByAddress(address), Math.max(peer.port(), 0));
        } catch (UnknownHostException impossible) {
            return false;
        }
        return networks.stream().anyMatch(network -> network.matches(socket));
    }
}
