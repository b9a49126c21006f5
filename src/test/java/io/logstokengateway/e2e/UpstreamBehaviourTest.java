package io.logstokengateway.e2e;

import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.RecordingUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream failover, 502 and 504 in each listener's dialect, and the {@code gateway-credentials} identity with
 * impersonation headers (the search listener points at a silent upstream and at the real OpenSearch seen through a
 * recorder; the Graylog listener at a refusing address and at the recording Graylog emulator).
 */
@QuarkusTest
@TestProfile(UpstreamBehaviourTest.Profile.class)
class UpstreamBehaviourTest {

    /** Accepts connections and never answers: an upstream that hangs. */
    static final ServerSocket SILENT = silentServer();
    static final List<Socket> HELD = new ArrayList<>();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            GraylogEmulator recorder = GraylogResource.emulator();
            return Map.of(
                    // first URL refuses connections: every request must fail over to the second
                    "gateway.graylog.upstream", "http://127.0.0.1:1," + recorder.uri(),
                    "gateway.elasticsearch.upstream", "http://127.0.0.1:" + SILENT.getLocalPort() + "," + RecordingUpstream.ofOpenSearch().uri(),
                    "gateway.elasticsearch.idle-timeout", "1s",
                    "gateway.elasticsearch.identity", "gateway-credentials",
                    "gateway.elasticsearch.credentials.username", "gateway-proxy",
                    "gateway.elasticsearch.credentials.password", "gateway-proxy-secret",
                    "gateway.elasticsearch.identity-headers.user", "x-proxy-user",
                    "gateway.elasticsearch.identity-headers.roles", "x-proxy-roles",
                    "gateway.elasticsearch.scope.max-body-size", "1K");
        }
    }

    static final String SERVICE = "ldp-up-00001";
    static final String USER = "logs-up-00001";
    static String tokenValue;

    @Inject
    ProxyListeners listeners;

    GraylogEmulator recorder = GraylogResource.emulator();
    RecordingUpstream searchRecorder = RecordingUpstream.ofOpenSearch();

    @BeforeEach
    void provisionOnce() {
        recorder.clearRequests();
        searchRecorder.clear();
        if (tokenValue == null) {
            Gateway.provision(SERVICE, USER, SecretsInLogs.remember("Upstream-Test-Pass-1"), Map.of());
            tokenValue = Gateway.createToken(SERVICE, "upstream")[1];
        }
    }

    @AfterAll
    static void closeSilentUpstream() throws IOException {
        SILENT.close();
        for (Socket socket : HELD) {
            socket.close();
        }
    }

    @Test
    void connectionRefusedUpstreamIsSkipped() {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = Http.get(listeners.graylogPort(), "/api/system", basic(tokenValue, "token"));
            assertEquals(401, response.statusCode()); // the recorder knows no credentials of this service: it answered
        }
        assertEquals(4, recorder.requests().size());
    }

    @Test
    void silentUpstreamGives504InElasticsearchDialectThenTheOtherUpstreamAnswers() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = Http.get(listeners.searchPort(), "/_cluster/health", basic(tokenValue, "token"));
            statuses.add(response.statusCode());
            if (response.statusCode() == 504) {
                assertTrue(response.body().contains("\"status\":504"), response.body());
            }
        }
        assertTrue(statuses.contains(504), statuses.toString());
        assertTrue(statuses.contains(200), statuses.toString()); // round-robin: OpenSearch answers the other turn
    }

    @Test
    void gatewayCredentialsAndImpersonationHeadersReplaceTheClientsOwn() {
        HttpResponse<String> response;
        do { // skip the silent upstream's turn
            response = Http.send(Http.request(listeners.searchPort(), "/logs-up-00001-i-x/_search")
                    .header("Authorization", basic(tokenValue, "token"))
                    .header("x-proxy-user", "admin")
                    .header("X-Proxy-Roles", "all_access")
                    .header("es-security-runas-user", "elastic")
                    .GET().build());
        } while (response.statusCode() == 504);
        RecordingUpstream.Recorded seen = searchRecorder.lastForwarded();
        assertEquals(basic("gateway-proxy", "gateway-proxy-secret"), seen.header("Authorization"));
        assertEquals(USER, seen.header("x-proxy-user"));
        assertEquals(USER, seen.header("x-proxy-roles"));
        assertNull(seen.header("es-security-runas-user"));
        assertFalse(seen.headers().toString().contains(tokenValue));
    }

    /** A search body of about {@code bytes} bytes: the gateway reads a search body whole to check it. */
    private static String searchBody(int bytes) {
        return "{\"query\":{\"match_all\":{}},\"stored_fields\":[\"" + "f".repeat(bytes) + "\"]}";
    }

    @Test
    void aBodyTheGatewayMustCheckIsRefusedPastItsBoundWhenDeclared() {
        HttpResponse<String> response = Http.send(Http.request(listeners.searchPort(), "/" + USER + "-i-x/_search")
                .header("Authorization", basic(tokenValue, "token")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(searchBody(2048))).build());
        assertEquals(413, response.statusCode());
        assertTrue(response.body().contains("\"status\":413"), response.body());
        assertTrue(searchRecorder.forwarded().isEmpty(), searchRecorder.forwarded().toString());
    }

    /**
     * Like the Elasticsearch REST client (Apache HttpAsyncClient), this client writes the whole body before reading:
     * the refused body of a declared length is read and discarded, so the 413 arrives and the connection stays usable.
     */
    @Test
    void aRefusedBodyOfDeclaredLengthIsDiscardedAndTheConnectionKept() throws IOException {
        byte[] body = searchBody(100 * 1024).getBytes(StandardCharsets.UTF_8); // past the 1 KiB bound
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listeners.searchPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /" + USER + "-i-x/_search HTTP/1.1\r\nHost: gateway\r\nAuthorization: " + basic(tokenValue, "token")
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String refused = readResponse(in);
            assertTrue(refused.startsWith("HTTP/1.1 413"), refused);
            assertFalse(refused.toLowerCase(Locale.ROOT).contains("connection: close"), refused);

            out.write("GET /_cluster/health HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String next = readResponse(in);
            assertTrue(next.startsWith("HTTP/1.1 401"), next);
        }
        assertTrue(searchRecorder.forwarded().isEmpty(), searchRecorder.forwarded().toString());
    }

    /**
     * The same client's first try on a fresh connection: no credentials, a chunked (compressed) body written whole
     * before it reads the 401 challenge. The body is discarded within the bound and the connection kept.
     */
    @Test
    void anUnauthenticatedChunkedBodyIsDiscardedAndTheConnectionKept() throws IOException {
        byte[] chunk = ("{\"index\":{\"_index\":\"" + USER + "-i-x\"}}\n{\"m\":1}\n").repeat(500).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listeners.searchPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /_bulk HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 8; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String challenged = readResponse(in);
            assertTrue(challenged.startsWith("HTTP/1.1 401"), challenged);
            assertFalse(challenged.toLowerCase(Locale.ROOT).contains("connection: close"), challenged);

            // the next request on the same connection is read as a request (a 403 from the scope rules), not as body
            out.write(("GET /_cluster/state HTTP/1.1\r\nHost: gateway\r\nAuthorization: " + basic(tokenValue, "token")
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String next = readResponse(in);
            assertTrue(next.startsWith("HTTP/1.1 403"), next);
        }
        assertTrue(searchRecorder.forwarded().isEmpty(), searchRecorder.forwarded().toString());
    }

    /** One response with a Content-Length body, as text. */
    private static String readResponse(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertFalse(b < 0, "connection closed before the end of the response head: " + head);
            head.append((char) b);
        }
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        byte[] content = new byte[length.find() ? Integer.parseInt(length.group(1)) : 0];
        in.readFully(content);
        return head + new String(content, StandardCharsets.UTF_8);
    }

    @Test
    void aChunkedBodyTheGatewayMustCheckIsCutOffPastItsBound() {
        byte[] body = searchBody(2048).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = Http.send(Http.request(listeners.searchPort(), "/" + USER + "-i-x/_search")
                .header("Authorization", basic(tokenValue, "token")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build());
        assertEquals(413, response.statusCode());
        assertEquals("close", response.headers().firstValue("Connection").orElse(""));
        assertTrue(searchRecorder.forwarded().isEmpty(), searchRecorder.forwarded().toString());
    }

    private static ServerSocket silentServer() {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        HELD.add(server.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
