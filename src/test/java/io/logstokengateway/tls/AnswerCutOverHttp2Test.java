package io.logstokengateway.tls;

import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.ListenerPki;
import io.logstokengateway.testsupport.ManagementClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.PemTrustOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * An answer the upstream breaks off after its head went out is cut, the only honest signal left. Over HTTP/2 that is
 * a reset of its stream ({@code INTERNAL_ERROR}), and the connection's other requests go on: closing the connection
 * would fail them all.
 */
@QuarkusTest
@TestProfile(AnswerCutOverHttp2Test.Profile.class)
class AnswerCutOverHttp2Test {

    /**
     * Answers the gateway's look at the indices (there are none), and every other request with a head announcing 1 MiB,
     * 64 KiB of it, and a hang-up half a second later.
     */
    static final ServerSocket BREAKING_UPSTREAM = breakingUpstream();

    public static class Profile extends ListenerTlsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("gateway.elasticsearch.upstream", "http://127.0.0.1:" + BREAKING_UPSTREAM.getLocalPort());
            return overrides;
        }
    }

    @Inject
    ProxyListeners listeners;

    @Inject
    Vertx vertx;

    @AfterAll
    static void stopUpstream() throws IOException {
        BREAKING_UPSTREAM.close();
    }

    @Test
    void aCutAnswerResetsItsStreamAloneAndTheConnectionServesOn() throws Exception {
        ListenerPki pki = ListenerPki.shared();
        ManagementClient operator = ListenerTlsTest.operator(pki);
        operator.provision("ldp-cu-00071", "logs-cu-00071", SecretsInLogs.remember("Cut-Answer-Password-1"), Map.of());
        String token = SecretsInLogs.remember(operator.createToken("ldp-cu-00071", "cut").value());

        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(pki.caPem().toString()))
                .setDefaultHost("localhost").setDefaultPort(listeners.searchPort()));
        try {
            HttpClientRequest broken = await(client.request(HttpMethod.GET, "/_cluster/health"));
            broken.putHeader("Authorization", ListenerTlsTest.basic(token, "token"));
            CompletableFuture<Long> reset = new CompletableFuture<>();
            // the handlers set as the answer's head arrives, on the event loop: set later, the reset may be gone
            HttpClientResponse head = await(broken.send().onSuccess(answer -> {
                answer.exceptionHandler(failure -> {
                    if (failure instanceof StreamResetException streamReset) {
                        reset.complete(streamReset.getCode());
                    } else {
                        reset.completeExceptionally(failure);
                    }
                });
                answer.handler(chunk -> { });
                answer.endHandler(v -> reset.completeExceptionally(new AssertionError("a cut answer ended as if complete")));
            }));
            assertEquals(200, head.statusCode());
            assertEquals(0x2L, reset.get(30, TimeUnit.SECONDS), "INTERNAL_ERROR");

            HttpClientRequest next = await(client.request(HttpMethod.GET, "/"));
            next.putHeader("Authorization", ListenerTlsTest.basic(token + "x", "token"));
            assertEquals(401, await(next.send()).statusCode());
            assertSame(broken.connection(), next.connection());
        } finally {
            await(client.close());
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static ServerSocket breakingUpstream() {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        String head = readHead(socket.getInputStream());
                        OutputStream out = socket.getOutputStream();
                        if (head.startsWith("GET /_cluster/state")) { // the gateway's look at the indices: none
                            byte[] state = "{\"state_uuid\":\"s\",\"metadata\":{\"indices\":{}}}".getBytes(StandardCharsets.US_ASCII);
                            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                                    + "Content-Length: " + state.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(state);
                            continue;
                        }
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                + (1024 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(new byte[64 * 1024]);
                        out.flush();
                        Thread.sleep(500); // the head and the first bytes reach the client before the break
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException closedOrGone) {
                        // the next connection, or the end of the test
                    }
                }
            }, "breaking-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int b; !head.toString().endsWith("\r\n\r\n") && (b = in.read()) != -1; ) {
            head.append((char) b);
        }
        return head.toString();
    }
}
