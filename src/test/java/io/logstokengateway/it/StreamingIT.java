package io.logstokengateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.ManagementClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

import static io.logstokengateway.it.PseudoRandomStream.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large bodies cross the packaged gateway in bounded memory, both ways, measured on the real process: the gateway
 * runs with a 64 MiB heap (so a body buffered whole could not fit) and its resident set is read from {@code /proc}
 * around each transfer. A client that goes away mid-download must make the gateway drop the upstream request, and a
 * body cut on either side must never be passed on as a complete one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamingIT {

    private static final long DOWNLOAD_BYTES = 300L * MIB;
    private static final long UPLOAD_BYTES = 200L * MIB;
    private static final long UPLOAD_SEED = 42L;
    /** Bound on the gateway's peak RSS growth over its warm baseline during one transfer. */
    private static final long MAX_RSS_GROWTH_KIB = 64L * 1024;
    private static final long CANCEL_AFTER_BYTES = 10L * MIB;
    private static final Duration CANCEL_DEADLINE = Duration.ofSeconds(5);

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final String SERVICE = "ldp-it-00002";
    private static final String USER = "logs-it-00002";
    private static final String PASSWORD = SecretsInLogs.remember("Streaming-Horse-Battery-" + UUID.randomUUID());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BulkUpstream upstream;
    private static GatewayProcess gateway;
    private static String token;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startGatewayWithASmallHeap() throws Exception {
        upstream = BulkUpstream.start();
        gateway = GatewayProcess.builder("streaming")
                .jvmOption("-Xmx64m")
                .jvmOption("-XX:+ExitOnOutOfMemoryError") // a body buffered whole ends the process, visibly
                .adminKey(ADMIN_KEY)
                .dataDir(Path.of("target", "it-data", "streaming-" + System.currentTimeMillis()))
                .elasticsearchUpstream(upstream.uri())
                .graylogUpstream(upstream.uri())
                // What is measured here is the transport; index scoping (which would refuse /big) has its own tests.
                .property("gateway.elasticsearch.scope.enforce", "false")
                .start();
        ManagementClient api = ManagementClient.asOperator(gateway, ADMIN_KEY);
        api.provision(SERVICE, USER, PASSWORD);
        token = SecretsInLogs.remember(api.createToken(SERVICE, "streaming").value());

        // Warm-up: JIT, buffer pools and connection pool settle before anything is measured.
        download(32L * MIB, BulkUpstream.DEFAULT_SEED);
        upload(16L * MIB, UPLOAD_SEED);
    }

    @AfterAll
    static void stopAndCheckTheOutputForSecrets() throws IOException {
        SecretsInLogs.stopAndAssertNoneIn(gateway);
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    @Order(1)
    void downloadOf300MiBStreamsThroughInBoundedMemory() throws Exception {
        String expected = PseudoRandomStream.sha256(BulkUpstream.DEFAULT_SEED, DOWNLOAD_BYTES);
        long baseline = warmBaseline();

        long started = System.nanoTime();
        Received received = download(DOWNLOAD_BYTES, BulkUpstream.DEFAULT_SEED);
        long elapsed = System.nanoTime() - started;
        long peak = gateway.peakRssKib();

        report("download", DOWNLOAD_BYTES, elapsed, baseline, peak);
        assertEquals(DOWNLOAD_BYTES, received.bytes(), "bytes received");
        assertEquals(expected, received.sha256(), "SHA-256 of the bytes received");
        assertTrue(gateway.isAlive(), "the gateway is still running");
        assertBounded(baseline, peak);
    }

    @Test
    @Order(2)
    void uploadOf200MiBStreamsThroughInBoundedMemory() throws Exception {
        String expected = PseudoRandomStream.sha256(UPLOAD_SEED, UPLOAD_BYTES);
        long baseline = warmBaseline();

        long started = System.nanoTime();
        JsonNode seen = upload(UPLOAD_BYTES, UPLOAD_SEED);
        long elapsed = System.nanoTime() - started;
        long peak = gateway.peakRssKib();

        report("upload", UPLOAD_BYTES, elapsed, baseline, peak);
        assertEquals(UPLOAD_BYTES, seen.path("bytes").asLong(), "bytes the upstream received");
        assertEquals(expected, seen.path("sha256").asText(), "SHA-256 of the bytes the upstream received");
        assertTrue(gateway.isAlive(), "the gateway is still running");
        assertBounded(baseline, peak);
    }

    @Test
    @Order(3)
    void clientThatStopsReadingAndClosesMakesTheGatewayCancelTheUpstreamRequest() throws Exception {
        upstream.clearOutcomes();
        long closedAt;
        long read = 0;
        try (Socket socket = new Socket("127.0.0.1", gateway.searchPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /big?bytes=" + DOWNLOAD_BYTES + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), () -> "status line: " + head.lines().findFirst().orElse(""));
            byte[] buffer = new byte[64 * 1024];
            while (read < CANCEL_AFTER_BYTES) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the body ended after " + read + " bytes");
                read += n;
            }
            closedAt = System.nanoTime();
        }

        BulkUpstream.Download ended = upstream.nextDownload(CANCEL_DEADLINE.toSeconds() * 3);
        assertNotNull(ended, "the upstream was still writing the download " + CANCEL_DEADLINE.toSeconds() * 3
                + " s after the client closed its connection: the gateway did not cancel the upstream request");
        double afterSeconds = (ended.endedNanos() - closedAt) / 1e9;
        System.out.printf("STREAMING cancel after %d MiB read: upstream write failed %.2f s after the client closed "
                        + "(%d of %d MiB written; %s)%n",
                read / MIB, afterSeconds, ended.written() / MIB, DOWNLOAD_BYTES / MIB, ended.failure());
        assertTrue(ended.failed(), "the upstream finished writing the whole body: nothing cancelled it");
        assertTrue(ended.written() < DOWNLOAD_BYTES, "the upstream wrote the whole body");
        assertTrue(afterSeconds < CANCEL_DEADLINE.toSeconds(), "the upstream request was cancelled only "
                + afterSeconds + " s after the client left");

        // And the gateway goes on serving.
        assertEquals(MIB, download(MIB, 7L).bytes());
    }

    @Test
    @Order(4)
    void clientThatDiesMidUploadDoesNotDeliverATruncatedBodyAsComplete() throws Exception {
        upstream.clearOutcomes();
        try (Socket socket = new Socket("127.0.0.1", gateway.searchPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            try (PseudoRandomStream body = new PseudoRandomStream(UPLOAD_SEED, CANCEL_AFTER_BYTES)) {
                for (int n; (n = body.read(chunk)) > 0; ) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(chunk, 0, n);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            out.flush();
            // Gone without the last chunk: the body is incomplete, and the upstream must not be told otherwise.
        }

        BulkUpstream.Upload ended = upstream.nextUpload(CANCEL_DEADLINE.toSeconds() * 3);
        assertNotNull(ended, "the upstream was still reading the upload " + CANCEL_DEADLINE.toSeconds() * 3
                + " s after the client went away");
        System.out.printf("STREAMING upload cut by the client after %d MiB: upstream saw %d MiB, %s%n", CANCEL_AFTER_BYTES / MIB,
                ended.read() / MIB, ended.failed() ? "a failed read (" + ended.failure() + ")" : "a COMPLETE body");
        assertTrue(ended.failed(), "the upstream received the first " + ended.read() + " bytes of a cut upload as a complete"
                + " request body: the gateway ended the upstream request instead of aborting it");
    }

    @Test
    @Order(5)
    void upstreamThatDiesMidBodyIsNotPassedOffAsACompleteBody() throws Exception {
        String dying = "/big?bytes=" + 64L * MIB + "&dieAfter=" + CANCEL_AFTER_BYTES;
        assertNotNull(readUntilCut(HttpRequest.newBuilder(upstream.uri().resolve(dying)).GET().build()).cut(),
                "the upstream itself cuts that body (checked without the gateway)");

        CutBody seen = readUntilCut(HttpRequest.newBuilder(gateway.search(dying)).header("Authorization", "Bearer " + token).GET().build());
        long read = seen.read();
        IOException cut = seen.cut();
        System.out.printf("STREAMING upstream died after %d MiB: the client read %d bytes and then %s%n", CANCEL_AFTER_BYTES / MIB,
                read, cut == null ? "a CLEAN END of the body" : "an error (" + cut + ")");
        assertNotNull(cut, "the client got a cleanly ended body of " + read + " bytes although the upstream died mid-body:"
                + " a truncated answer was passed off as complete");
    }

    // ---------------------------------------------------------------- transfers

    private record CutBody(long read, IOException cut) {
    }

    /** Reads a body to its end, or to the error that cuts it. */
    private static CutBody readUntilCut(HttpRequest request) throws InterruptedException {
        long read = 0;
        try {
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            try (InputStream in = response.body()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    read += n;
                }
            }
            return new CutBody(read, null);
        } catch (IOException e) {
            return new CutBody(read, e);
        }
    }

    private record Received(long bytes, String sha256) {
    }

    /** GET /big through the gateway, digested as it arrives. */
    private static Received download(long bytes, long seed) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(gateway.search("/big?bytes=" + bytes + "&seed=" + seed))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = PseudoRandomStream.newSha256();
        long count = 0;
        try (InputStream in = response.body()) {
            assertEquals(200, response.statusCode(), "GET /big through the gateway");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                count += n;
            }
        }
        return new Received(count, HexFormat.of().formatHex(digest.digest()));
    }

    /** PUT /upload through the gateway, the body generated as it is sent (chunked: its length is not announced). */
    private static JsonNode upload(long bytes, long seed) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(gateway.search("/upload"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new PseudoRandomStream(seed, bytes)))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> "PUT /upload through the gateway: " + response.body());
        return JSON.readTree(response.body());
    }

    // ---------------------------------------------------------------- measurement

    /** RSS of the warm gateway, with its peak reset to it, so the next peak read covers the coming transfer only. */
    private static long warmBaseline() {
        System.gc(); // of this JVM: the client's own garbage must not slow the transfer being timed
        if (!gateway.resetPeakRss()) {
            System.out.println("STREAMING note: /proc/<pid>/clear_refs not writable, peak RSS counts from the gateway's start");
        }
        return gateway.rssKib();
    }

    private static void report(String what, long bytes, long elapsedNanos, long baselineKib, long peakKib) {
        double mbPerSecond = bytes / 1e6 / (elapsedNanos / 1e9);
        System.out.printf("STREAMING %s %d MiB: %.0f MB/s, gateway RSS %+d MiB (peak %d MiB, warm baseline %d MiB, -Xmx64m)%n",
                what, bytes / MIB, mbPerSecond, (peakKib - baselineKib) / 1024, peakKib / 1024, baselineKib / 1024);
    }

    private static void assertBounded(long baselineKib, long peakKib) {
        long growth = peakKib - baselineKib;
        assertTrue(growth < MAX_RSS_GROWTH_KIB, "the gateway's peak RSS grew by " + growth / 1024 + " MiB over its warm baseline of "
                + baselineKib / 1024 + " MiB during the transfer (bound: " + MAX_RSS_GROWTH_KIB / 1024 + " MiB)");
    }

    /** Reads the status line and headers, up to and including the blank line. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            assertFalse(b < 0, "connection closed before the end of the response head");
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
