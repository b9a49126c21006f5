package io.logstokengateway.proxy;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class HopByHopTest {

    private static MultiMap copied(MultiMap from) {
        MultiMap to = MultiMap.caseInsensitiveMultiMap();
        HopByHop.copyEndToEnd(from, to);
        return to;
    }

    @Test
    void headersNamedByConnectionAreNotCopied() {
        MultiMap to = copied(MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "keep-alive, X-Session-Hint").add("X-Session-Hint", "1").add("Keep-Alive", "timeout=5")
                .add("Accept", "application/json"));
        assertNull(to.get("X-Session-Hint"));
        assertNull(to.get("Keep-Alive"));
        assertNull(to.get("Connection"));
        assertEquals("application/json", to.get("Accept"));
    }

    @Test
    void connectionCannotRemoveTheHeadersThatFrameOrDescribeTheMessage() {
        MultiMap to = copied(MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "keep-alive, Content-Length").add("Connection", "content-type ,CONTENT-ENCODING, Authorization")
                .add("Content-Length", "13").add("Content-Type", "application/json").add("Content-Encoding", "gzip")
                .add("Authorization", "Basic eDp5"));
        assertEquals("13", to.get("Content-Length"));
        assertEquals("application/json", to.get("Content-Type"));
        assertEquals("gzip", to.get("Content-Encoding"));
        assertEquals("Basic eDp5", to.get("Authorization"), "replaced later by the upstream identity, never dropped here");
    }

    @Test
    void hopByHopHeadersAreNeverCopied() {
        MultiMap to = copied(MultiMap.caseInsensitiveMultiMap().add("Transfer-Encoding", "chunked").add("Host", "a").add("TE", "trailers")
                .add("Upgrade", "h2c").add("HTTP2-Settings", "AAMAAABkAAQAAP__").add("Proxy-Authorization", "Basic eDp5")
                .add("Expect", "100-continue"));
        assertFalse(to.iterator().hasNext(), to.toString());
    }
}
