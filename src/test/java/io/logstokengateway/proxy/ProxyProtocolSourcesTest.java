package io.logstokengateway.proxy;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyProtocolSourcesTest {

    private final ProxyProtocolSources sources = ProxyProtocolSources.parse(List.of("10.0.0.0/8", " 192.0.2.10 ", "fd00::/8"));

    private static SocketAddress peer(String host) {
        return SocketAddress.inetSocketAddress(40000, host);
    }

    @Test
    void networksAndSingleAddressesAreTrusted() {
        assertTrue(sources.trusts(peer("10.200.3.4")));
        assertTrue(sources.trusts(peer("192.0.2.10")));
        assertTrue(sources.trusts(peer("fd12:3456::1")));
    }

    @Test
    void everyOtherPeerIsNot() {
        assertFalse(sources.trusts(peer("11.0.0.1")));
        assertFalse(sources.trusts(peer("192.0.2.11")), "a single address is a /32, not its network");
        assertFalse(sources.trusts(peer("fe80::1")));
        assertFalse(sources.trusts(peer("::ffff:11.0.0.1")));
        assertFalse(sources.trusts(SocketAddress.domainSocketAddress("/run/gateway.sock")));
        assertFalse(sources.trusts(null));
    }

    @Test
    void onlyNumericAddressesWithAValidPrefixAreAccepted() {
        for (String entry : List.of("lb.example.com", "localhost", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/-1",
                "10.0.0.0/8/8", "10.0.0.0/ 8", "10.0.0.256", "")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> ProxyProtocolSources.parse(List.of(entry)), entry);
            assertTrue(refused.getMessage().contains("'" + entry + "'"), refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocolSources.parse(List.of()));
    }
}
