package io.logstokengateway.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers the tests start as other processes (search nodes, Graylog, MongoDB, gateways, HAProxy,
 * PostgreSQL), which bind them a few seconds after they are chosen.
 * <p>
 * A port from {@code new ServerSocket(0)} comes from the kernel's ephemeral range, the range outgoing connections take
 * their local ports from: with the tests opening connections all the while, one of them can take the port before the
 * server binds it ("Address already in use"). These ports are chosen below that range, where no outgoing connection
 * lands, checked free by binding them, and never handed out twice by one JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000; // above the well-known and most registered service ports
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** A port nothing listens on now, outside the ephemeral range. */
    public static synchronized int next() {
        int highest = ephemeralRangeStart() - 1;
        if (highest - LOWEST < 1_000) {
            throw new IllegalStateException("The ephemeral port range starts at " + (highest + 1)
                    + ", leaving too few ports below it for the tests' servers");
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = random.nextInt(LOWEST, highest + 1);
            if (!HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("No free port found between " + LOWEST + " and " + highest);
    }

    /** Bound on every address, so that a server listening on any one of them makes the port unusable here. */
    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // a port in TIME_WAIT is still fine for a server to bind
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (Linux's default is 32768). */
    private static int ephemeralRangeStart() {
        try {
            // Not Files.readString: it trusts the size /proc reports and reads one byte.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException notLinux) {
            return 32_768;
        }
    }
}
