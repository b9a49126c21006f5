package io.logstokengateway.e2e;

import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.FreePorts;
import io.logstokengateway.testsupport.RawHttpConnection;
import io.logstokengateway.testsupport.RecordingUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients behind a TCP load balancer that sends the PROXY protocol ({@code gateway.proxy-protocol.trusted-sources}):
 * a real HAProxy ({@code send-proxy-v2}) in front of the search listener, and hand-written headers for what HAProxy
 * would never send. The listener trusts only 127.0.0.1; the clients connect from addresses of their own in 127.72/16.
 */
@QuarkusTest
@TestProfile(ProxyProtocolTest.Profile.class)
class ProxyProtocolTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.proxy-protocol.trusted-sources", "127.0.0.1, 10.0.0.0/8",
                    "gateway.elasticsearch.upstream", RecordingUpstream.ofOpenSearch().uri().toString(),
                    "gateway.auth.throttle.failures-per-address", "3",
                    "gateway.limits.header-timeout", "1s");
        }
    }

    static final String SERVICE = "ldp-pp-00001";
    static final String USER = "logs-pp-00001";
    static String tokenValue;
    static Process haproxy;
    static int balancerPort;

    @Inject
    ProxyListeners listeners;

    RecordingUpstream upstream = RecordingUpstream.ofOpenSearch();

    @BeforeEach
    void provisionAndStartTheBalancerOnce() throws IOException {
        if (tokenValue == null) {
            Gateway.provision(SERVICE, USER, SecretsInLogs.remember("Proxy-Protocol-Pass-1"), Map.of());
            tokenValue = Gateway.createToken(SERVICE, "behind-balancer")[1];
        }
        if (haproxy == null) {
            startHaproxy(listeners.searchPort());
        }
        upstream.clear();
    }

    @AfterAll
    static void stopHaproxy() {
        if (haproxy != null) {
            haproxy.destroy();
        }
    }

    @Test
    void eachClientBehindTheBalancerIsSeenByItsOwnAddress() {
        for (String client : List.of(client(1), client(2))) {
            RawHttpConnection.Response answer = RawHttpConnection.get(client, balancerPort, "/_cluster/health",
                    "Authorization: " + RawHttpConnection.basic(tokenValue, "token"));
            assertEquals(200, answer.status(), answer.body());
            assertEquals(client, lastForwardedFor(), "the address HAProxy read from the client's connection");
        }
    }

    @Test
    void guessingFromOneClientDoesNotThrottleTheOthersBehindTheSameBalancer() {
        String guesser = client(10);
        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // a new username each time: only the address's budget (3) is spent
            guesses.add(RawHttpConnection.get(guesser, balancerPort, "/_cluster/health",
                    "Authorization: " + RawHttpConnection.basic("nobody-" + UUID.randomUUID(), "wrong")).status());
        }
        assertEquals(List.of(401, 401, 401, 429), guesses);
        String neighbour = client(11);
        assertEquals(401, RawHttpConnection.get(neighbour, balancerPort, "/_cluster/health",
                "Authorization: " + RawHttpConnection.basic("nobody-" + UUID.randomUUID(), "wrong")).status(),
                "another client of the same balancer keeps its own budget");
        assertEquals(200, RawHttpConnection.get(neighbour, balancerPort, "/_cluster/health",
                "Authorization: " + RawHttpConnection.basic(USER, "Proxy-Protocol-Pass-1")).status());
    }

    @Test
    void aTrustedPeerNamesTheClientInVersionOneToo() {
        String answer = exchange("127.0.0.1", "PROXY TCP4 198.51.100.7 127.0.0.1 40000 9200\r\n" + search());
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertEquals("198.51.100.7", lastForwardedFor());

        // one spelling whatever the balancer's: one client for the limits
        answer = exchange("127.0.0.1", "PROXY TCP4 198.051.100.007 127.0.0.1 40000 9200\r\n" + search());
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertEquals("198.51.100.7", lastForwardedFor());

        answer = exchange("127.0.0.1", "PROXY TCP6 2001:DB8:0::0:7 ::1 40000 9200\r\n" + search());
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertEquals("2001:db8::7", lastForwardedFor());

        answer = exchange("127.0.0.1", "PROXY UNKNOWN\r\n" + search()); // a balancer's own connection: its address
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertEquals("127.0.0.1", lastForwardedFor());
    }

    @Test
    void aHeaderFromAnyOtherPeerIsRefusedBeforeTheRequestIsRead() {
        double refusedBefore = refusals();
        String answer = exchange("127.0.0.2", "PROXY TCP4 10.1.2.3 127.0.0.1 40000 9200\r\n" + search());
        assertEquals("", answer, "closed without an answer");
        assertEquals(refusedBefore + 1, refusals());
        assertTrue(upstream.forwarded().isEmpty(), upstream.forwarded().toString());
    }

    @Test
    void aConnectionWithoutTheHeaderIsClosed() {
        assertEquals("", exchange("127.0.0.1", search()), "a client that bypasses the balancer gets no answer");
        assertTrue(upstream.forwarded().isEmpty(), upstream.forwarded().toString());
    }

    @Test
    void aConnectionThatSendsNoHeaderIsCutAfterTheHeaderTimeout() throws IOException {
        try (Socket socket = connect("127.0.0.1", listeners.searchPort())) {
            long start = System.nanoTime();
            socket.setSoTimeout(10_000);
            assertEquals(-1, socket.getInputStream().read());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= 900 && waited < 5_000, "cut after " + waited + " ms (header-timeout 1 s)");
        }
    }

    /**
     * Mutated v1 and v2 headers from the trusted peer, each followed by a request: the gateway either closes the
     * connection or answers, forwards a request only with a well-formed client address, and keeps serving.
     */
    @Test
    void malformedHeadersAreClosedAndNeverForwardedWithoutAnAddress() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] v1 = "PROXY TCP4 203.0.113.9 127.0.0.1 40000 9200\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] v2 = proxyV2(new byte[] {(byte) 203, 0, 113, 9});
        int answered = 0;
        for (int i = 0; i < 300; i++) {
            byte[] header = mutate(random, random.nextBoolean() ? v1 : v2);
            upstream.clear();
            String answer = exchange("127.0.0.1", header, search().getBytes(StandardCharsets.US_ASCII));
            if (!answer.isEmpty()) {
                answered++;
                assertTrue(answer.startsWith("HTTP/1."), "seed " + seed + ": " + answer); // 400 when the rest is no request
            }
            for (RecordingUpstream.Recorded request : upstream.forwarded()) {
                String client = request.header("X-Forwarded-For");
                assertTrue(client != null && client.matches("[0-9a-f.:]+"), "seed " + seed + ": forwarded for " + client);
            }
        }
        System.out.printf("PROXY fuzz (seed %d): %d of 300 mutated headers answered, the rest closed%n", seed, answered);
        assertTrue(exchange("127.0.0.1", new String(v1, StandardCharsets.US_ASCII) + search()).startsWith("HTTP/1.1 200"));
    }

    private String search() {
        return "GET /_cluster/health HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\nAuthorization: "
                + RawHttpConnection.basic(tokenValue, "token") + "\r\n\r\n";
    }

    private String exchange(String from, String bytes) {
        return exchange(from, bytes.getBytes(StandardCharsets.US_ASCII), new byte[0]);
    }

    /** Sends the header and the request from {@code from} and reads until the gateway closes: "" if it answered nothing. */
    private String exchange(String from, byte[] header, byte[] request) {
        try (Socket socket = connect(from, listeners.searchPort())) {
            socket.setSoTimeout(10_000);
            byte[] both = new byte[header.length + request.length];
            System.arraycopy(header, 0, both, 0, header.length);
            System.arraycopy(request, 0, both, header.length, request.length);
            socket.getOutputStream().write(both); // one write: the request arrives in the header's read, as a balancer sends it
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    read.write(buffer, 0, n);
                }
            } catch (SocketException reset) {
                // closed with unread bytes in its buffer: a reset, after whatever was answered
            }
            return read.toString(StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the gateway neither answered nor closed the connection within 10 s", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        return socket;
    }

    /** A PROXY v2 header (PROXY command, TCP over IPv4) naming {@code client}:40000 to 127.0.0.1:9200. */
    private static byte[] proxyV2(byte[] client) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        header.writeBytes(new byte[] {0x21, 0x11, 0x00, 12});
        header.writeBytes(client);
        header.writeBytes(new byte[] {127, 0, 0, 1, (byte) 0x9C, 0x40, 0x23, (byte) 0xF0});
        return header.toByteArray();
    }

    /** One to three random changes: a byte replaced, inserted or removed, or the header cut short. */
    private static byte[] mutate(Random random, byte[] header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = header.clone();
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            int at = random.nextInt(bytes.length);
            out.reset();
            switch (random.nextInt(4)) {
                case 0 -> {
                    bytes[at] = (byte) random.nextInt(256);
                    continue;
                }
                case 1 -> {
                    out.write(bytes, 0, at);
                    out.write(random.nextInt(256));
                    out.write(bytes, at, bytes.length - at);
                }
                case 2 -> {
                    out.write(bytes, 0, at);
                    out.write(bytes, at + 1, bytes.length - at - 1);
                }
                default -> out.write(bytes, 0, at);
            }
            bytes = out.toByteArray();
            if (bytes.length == 0) {
                bytes = new byte[] {'P'};
            }
        }
        return bytes;
    }

    /** The address the gateway last told the upstream about: the end of its {@code X-Forwarded-For}. */
    private String lastForwardedFor() {
        String chain = upstream.lastForwarded().header("X-Forwarded-For");
        return chain.substring(chain.lastIndexOf(',') + 1).strip();
    }

    private static double refusals() {
        Matcher matcher = Pattern.compile("gateway_limits_refused_total\\{[^}]*limit=\"proxy-protocol-trusted-sources\"[^}]*} ([0-9.E]+)")
                .matcher(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static String client(int n) {
        return RawHttpConnection.client(72, n);
    }

    /** HAProxy in TCP mode before the search listener, sending each client's address in a PROXY v2 header. */
    private static void startHaproxy(int searchPort) throws IOException {
        Path binary = Paths.get("/usr/sbin/haproxy");
        Assumptions.assumeTrue(Files.isExecutable(binary), "HAProxy is not installed (apt-get install haproxy, as .ci/run does)");
        balancerPort = FreePorts.next();
        Path work = Files.createDirectories(Paths.get("target", "proxy-protocol"));
        Path cfg = work.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                    maxconn 100
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                frontend search
                    bind 127.0.0.1:%d
                    default_backend gateway
                backend gateway
                    server gateway 127.0.0.1:%d send-proxy-v2
                """.formatted(balancerPort, searchPort));
        haproxy = new ProcessBuilder(binary.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), balancerPort)) {
                return;
            } catch (IOException notYet) {
                if (!haproxy.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("HAProxy did not start; see " + work.resolve("haproxy.log"));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
