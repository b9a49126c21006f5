package io.logstokengateway.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsAreBelowTheEphemeralRangeNeverRepeatedAndFree() throws IOException {
        int ephemeralStart = Integer.parseInt(
                Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            int port = FreePorts.next();
            assertTrue(port >= 10_000 && port < ephemeralStart, port + " is outside [10000, " + ephemeralStart + ")");
            seen.add(port);
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
        assertEquals(300, seen.size(), "a port was handed out twice");
    }

    @Test
    void aPortSomethingListensOnIsNeverHandedOut() throws IOException {
        // Occupy a block of the range; none of it may come back while it is taken.
        Set<Integer> taken = new HashSet<>();
        Set<ServerSocket> listeners = new HashSet<>();
        try {
            for (int port = 20_000; port < 20_500; port++) {
                try {
                    ServerSocket listener = new ServerSocket();
                    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    listeners.add(listener);
                    taken.add(port);
                } catch (IOException alreadyInUse) {
                    // someone else's: fine, it is taken either way
                }
            }
            for (int i = 0; i < 1_000; i++) {
                int port = FreePorts.next();
                assertTrue(!taken.contains(port), "handed out " + port + ", which a server listens on");
            }
        } finally {
            for (ServerSocket listener : listeners) {
                listener.close();
            }
        }
    }
}
