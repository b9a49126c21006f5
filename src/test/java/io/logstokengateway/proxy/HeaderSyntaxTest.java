package io.logstokengateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderSyntaxTest {

    private static boolean valid(String name, String value) {
        // case-insensitive and unvalidated, as the headers of a request read over HTTP/2 arrive
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("accept", "application/json").add(name, value);
        return HeaderSyntax.valid(headers);
    }

    @Test
    void tokensAndVisibleValuesAreValid() {
        assertTrue(valid("X-Opaque-Id", "abc 123"));
        assertTrue(valid("x_custom!#$%&'*+-.^`|~", "a\tb"));
        assertTrue(valid("x-latin", "caf\u00e9 \u00ff")); // obs-text
        assertTrue(valid("x-empty", ""));
    }

    @Test
    void namesThatAreNoTokenAreRefused() {
        for (String name : new String[] {"", "a b", "a:b", "a/b", "a\"b", "a(b", "a\u0000b", "caf\u00e9", "a\r\nb", "a\tb"}) {
            assertFalse(valid(name, "x"), name);
        }
    }

    @Test
    void controlCharactersInValuesAreRefused() {
        for (String value : new String[] {"a\rb", "a\nb", "a\r\nx-injected: 1", "a\r\n b", "a\u0000b", "a\u007fb", "a\u0001b", "\u0100"}) {
            assertFalse(valid("x-test", value), value);
        }
    }

    @Test
    void bracketsHoldAnIpv6AddressAndNothingElse() {
        assertTrue(HeaderSyntax.validAuthority(null));
        assertTrue(HeaderSyntax.validAuthority(HostAndPort.create("[::1]", 9200)));
        assertTrue(HeaderSyntax.validAuthority(HostAndPort.create("[::ffff:127.0.0.1]", 9200)));
        assertTrue(HeaderSyntax.validAuthority(HostAndPort.create("logs.example.com", -1)));
        for (String host : new String[] {"[::\r\n1]", "[a b]", "[]", "[::1", "[::1]x", "[v1.x]"}) {
            assertFalse(HeaderSyntax.validAuthority(HostAndPort.create(host, 9200)), host);
        }
    }
}
