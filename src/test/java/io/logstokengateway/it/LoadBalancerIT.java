package io.logstokengateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.FreePorts;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.ManagementClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a load balancer sees of one packaged gateway whose Graylog upstream is down. Its probes: the search port's is
 * up, the Graylog port's down, the node's overall readiness up with Graylog reported as degraded. A graceful stop:
 * SIGTERM with a download streaming through it, readiness turns down at once, the node keeps serving for
 * {@code quarkus.shutdown.delay}, then refuses new connections, lets the download finish whole and exits within
 * {@code delay + gateway.shutdown.drain-timeout}. The stop comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerIT {

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final Duration DELAY = Duration.ofSeconds(2);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    private static final long BYTES = 48L * PseudoRandomStream.MIB;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BulkUpstream upstream;
    private static GatewayProcess gateway;
    private static String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        upstream = BulkUpstream.start();
        gateway = GatewayProcess.builder("load-balancer")
                .adminKey(ADMIN_KEY)
                .dataDir(Path.of("target", "it-data", "load-balancer-" + System.currentTimeMillis()))
                .elasticsearchUpstream(upstream.uri())
                .graylogUpstream(URI.create("http://127.0.0.1:" + FreePorts.next())) // nothing listens there
                .property("gateway.elasticsearch.scope.enforce", "false") // /big is the upstream's, not an index
                .property("quarkus.shutdown.delay", DELAY.toMillis() + "ms")
                .property("gateway.shutdown.drain-timeout", DRAIN_TIMEOUT.toSeconds() + "s")
                .start();
        ManagementClient api = ManagementClient.asOperator(gateway, ADMIN_KEY);
        api.provision("ldp-it-shutdown", "logs-it-shutdown", SecretsInLogs.remember("Shutdown-Horse-Battery-Staple"));
        token = SecretsInLogs.remember(api.createToken("ldp-it-shutdown", "shutdown").value());
    }

    @AfterAll
    static void stop() throws IOException {
        SecretsInLogs.stopAndAssertNoneIn(gateway);
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    @Order(1)
    void anUnreachableGraylogFailsOnlyTheGraylogProbe() throws Exception {
        assertEquals(200, status(gateway.management("/q/health/group/search")));
        assertEquals(503, status(gateway.management("/q/health/group/graylog")));
        assertEquals(200, status(gateway.management("/q/health/group/management")));
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(gateway.management("/q/health/ready"))
                .header("Authorization", "Bearer " + ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode graylogCheck = null;
        for (JsonNode check : JSON.readTree(ready.body()).path("checks")) {
            if (check.path("name").asText().equals("graylog-upstream")) {
                graylogCheck = check;
            }
        }
        assertTrue(graylogCheck != null && graylogCheck.path("status").asText().equals("UP")
                && graylogCheck.path("data").path("state").asText().equals("degraded"), ready.body());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(gateway.management("/q/health/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("{\"status\":\"UP\"}", anonymous.body(), "no upstream URL for anonymous callers");
    }

    @Test
    @Order(2)
    void streamInFlightSurvivesSigtermNewConnectionsAreRefusedAndTheNodeExitsWithinTheBound() throws Exception {
        assertEquals(200, status(gateway.management("/q/health/group/search")));
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<String> download = CompletableFuture.supplyAsync(() -> slowDownload(streaming));
        assertTrue(streaming.await(10, TimeUnit.SECONDS), "the download started");

        long signalled = System.nanoTime();
        gateway.terminate();
        Thread.sleep(500);
        assertEquals(503, status(gateway.management("/q/health/group/search")), "readiness is down at once");
        assertEquals(503, status(gateway.management("/q/health/ready")));
        assertEquals(200, search("/big?bytes=10"), "still serving during the delay, on a new connection");

        Thread.sleep(Math.max(0, DELAY.toMillis() + 1000 - millisSince(signalled)));
        assertThrows(IOException.class, () -> search("/big?bytes=10"), "after the delay a new connection is not served");

        String sha256 = download.get(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long downloadedAfter = millisSince(signalled);
        assertEquals(PseudoRandomStream.sha256(BulkUpstream.DEFAULT_SEED, BYTES), sha256, "the whole stream arrived intact");
        BulkUpstream.Download served = upstream.nextDownload(5);
        assertFalse(served.failed(), "the upstream wrote it all");

        assertTrue(gateway.awaitExit(DELAY.plus(DRAIN_TIMEOUT)), "the node exits within delay + drain timeout");
        long exitedAfter = millisSince(signalled);
        System.out.printf("SHUTDOWN stream of %d MiB ended %d ms after SIGTERM; process exited after %d ms (code %d)%n",
                BYTES / PseudoRandomStream.MIB, downloadedAfter, exitedAfter, gateway.exitValue());
        assertTrue(downloadedAfter > DELAY.toMillis(), "the download outlived the delay, so it was drained, not merely fast");
    }

    /** Reads the stream slowly (64 KiB every 6 ms or so, about 8 MiB/s), so that it is still under way when the node is told to stop. */
    private String slowDownload(CountDownLatch started) {
        try {
            HttpRequest request = HttpRequest.newBuilder(gateway.search("/big?bytes=" + BYTES))
                    .header("Authorization", basic(token, "token")).GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            MessageDigest sha = PseudoRandomStream.newSha256();
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = response.body()) {
                int read;
                while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    sha.update(buffer, 0, read);
                    started.countDown();
                    Thread.sleep(6);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the download failed: " + e, e);
        }
    }

    private int search(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(gateway.search(path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", basic(token, "token")).GET().build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build()
                .send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int status(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
