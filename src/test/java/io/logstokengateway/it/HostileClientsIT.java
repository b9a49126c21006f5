package io.logstokengateway.it;

import io.logstokengateway.testsupport.RawHttpConnection;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One hostile client against the packaged gateway, as production runs it: for each attack a fresh gateway process with
 * a fixed 512 MiB heap and the default limits, in front of the real OpenSearch. The attack runs for {@link #ATTACK}
 * from addresses of its own ({@code 127.70.x.y}) while another tenant's token searches every 250 ms from
 * {@code 127.0.0.1}. Throughout, every one of those searches answers 200 within {@link #WORST_ALLOWED}; no
 * {@code OutOfMemoryError} is logged; after it, the gateway answers normally. Each attack's figures (the valid
 * search's worst latency, the gateway's peak heap and resident set, what the attacker got) are printed and appended
 * to {@code target/hostile-clients.txt}.
 */
class HostileClientsIT {

    private static final Duration ATTACK = Duration.ofSeconds(20);
    private static final Duration WORST_ALLOWED = Duration.ofSeconds(2);
    private static final Duration PROBE_EVERY = Duration.ofMillis(250);
    private static final Path REPORT = Path.of("target", "hostile-clients.txt");

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final String TENANT = "ldp-hc-00001";
    private static final String TENANT_USER = "logs-hc-00001";
    private static final String TENANT_PASSWORD = SecretsInLogs.remember("Hostile-Clients-Tenant-1");
    private static final String ATTACKER = "ldp-hc-00002";
    private static final String ATTACKER_USER = "logs-hc-00002";
    private static final String ATTACKER_PASSWORD = SecretsInLogs.remember("Hostile-Clients-Attacker-1");
    private static final String INDEX = TENANT_USER + "-i-app";
    private static final String ATTACKER_INDEX = ATTACKER_USER + "-i-app";
    private static final int ADDRESS_RANGE = 70;

    private static GraylogEmulator graylog;

    @BeforeAll
    static void indices() {
        graylog = GraylogEmulator.start();
        OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"hello tenant\",\"@timestamp\":\"2026-12-01T00:00:00Z\"}");
        OpenSearchServer.get().index(ATTACKER_INDEX, "1", "{\"message\":\"hello attacker\",\"@timestamp\":\"2026-12-01T00:00:00Z\"}");
    }

    @AfterAll
    static void stop() {
        if (graylog != null) {
            graylog.close();
        }
    }

    /** 64 KiB random Bearer values, and random ones short enough to be looked at, on 16 connections. */
    @Test
    void garbageCredentials() {
        Report report = underAttack("garbage credentials", target -> target.flood(16, (client, n) -> {
            int length = n % 2 == 0 ? 64 * 1024 : 900;
            return target.send(client, "GET /" + ATTACKER_INDEX + "/_search HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                    + randomText(length), null);
        }));
        report.attackerGotOnly(401, 429, 431);
    }

    /** Basic passwords guessed for the tenant's account and for made-up ones, on 64 connections from 64 addresses. */
    @Test
    void passwordGuessing() {
        Report report = underAttack("password guessing", target -> target.flood(64, (client, n) -> {
            String user = n % 2 == 0 ? TENANT_USER : "logs-" + randomText(8);
            return target.send(client, "GET /" + INDEX + "/_search HTTP/1.1\r\nHost: gateway\r\nAuthorization: "
                    + RawHttpConnection.basic(user, "guess-" + randomText(12)), null);
        }));
        report.attackerGotOnly(401, 429);
        report.attackerGotSome(429);
    }

    /**
     * 32 {@code _bulk} uploads of a declared 16 MB, and 32 search bodies the gateway must read whole, from one token:
     * each sends a part, then stalls.
     */
    @Test
    void stalledBodies() {
        Report report = underAttack("stalled bodies", target -> {
            List<Socket> stalled = new ArrayList<>();
            byte[] bulkPart = bulkLines(ATTACKER_INDEX, 4096);
            byte[] searchPart = ("{\"query\":{\"match_all\":{}},\"stored_fields\":[\"" + "f".repeat(900 * 1024)).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 32; i++) {
                stalled.add(target.open(i, "POST /_bulk HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/x-ndjson\r\n"
                        + "Authorization: " + target.attackerToken() + "\r\nContent-Length: 16000000\r\n\r\n", bulkPart));
                stalled.add(target.open(i, "POST /" + ATTACKER_INDEX + "/_search HTTP/1.1\r\nHost: gateway\r\n"
                        + "Content-Type: application/json\r\nAuthorization: " + target.attackerToken()
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(searchPart.length) + "\r\n", searchPart));
            }
            target.sleep(ATTACK);
            stalled.forEach(HostileClientsIT::closeQuietly);
        });
        report.attackerGotNothingUnexpected();
    }

    /** A 16 MB {@code _bulk} gzipped to about 16 KiB, sent in a loop on 8 connections. */
    @Test
    void compressionBombs() {
        byte[] bomb = gzip(bulkBomb(16_000_000));
        assertTrue(bomb.length < 64 * 1024, "a bomb: " + bomb.length + " bytes");
        Report report = underAttack("compression bombs", target -> target.flood(8, (client, n) -> target.send(client,
                "POST /_bulk HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/x-ndjson\r\nContent-Encoding: gzip\r\n"
                        + "Authorization: " + target.attackerToken() + "\r\nContent-Length: " + bomb.length, bomb)));
        report.attackerGotOnly(413);
    }

    /**
     * Index lists made to cost: {@code _msearch} headers of 40,000 names and paths of 700 wildcards, from 8 looping
     * clients; both are checked off the event loop, and the headers refused past {@code limits.max-index-names} (400).
     */
    @Test
    void costlyIndexLists() {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            names.append(i == 0 ? "" : ",").append(ATTACKER_USER).append("-i-n").append(i);
        }
        byte[] msearch = ("{\"index\":\"" + names + "\"}\n{}\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder wildcards = new StringBuilder();
        for (int i = 0; i < 700; i++) {
            wildcards.append(i == 0 ? "" : ",").append(ATTACKER_USER).append("-i-*").append(i).append('*');
        }
        Report report = underAttack("costly index lists", target -> target.flood(8, (client, n) -> n % 2 == 0
                ? target.send(client, "POST /_msearch HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/x-ndjson\r\n"
                        + "Authorization: " + target.attackerToken() + "\r\nContent-Length: " + msearch.length, msearch)
                : target.send(client, "GET /" + wildcards + "/_search HTTP/1.1\r\nHost: gateway\r\nAuthorization: "
                        + target.attackerToken(), null)));
        report.attackerGotOnly(200, 400);
        report.attackerGotSome(400);
    }

    /**
     * 1,000 connections from one address: half send their request head a byte a second, half send nothing. Each is
     * cut within {@code limits.header-timeout}, and a whole request from that address meanwhile is answered 429.
     */
    @Test
    void slowHeaders() {
        AtomicLong longestMillis = new AtomicLong();
        AtomicInteger cut = new AtomicInteger();
        Report report = underAttack("slow headers", target -> {
            byte[] head = ("GET /" + ATTACKER_INDEX + "/_search HTTP/1.1\r\nHost: gateway\r\nX-Slow: " + "a".repeat(200))
                    .getBytes(StandardCharsets.ISO_8859_1);
            List<SocketChannel> channels = new ArrayList<>();
            List<Long> openedAt = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                channels.add(target.connectChannel(0));
                openedAt.add(System.nanoTime());
            }
            target.sleep(Duration.ofSeconds(1));
            RawHttpConnection.Response refused = RawHttpConnection.get(RawHttpConnection.client(ADDRESS_RANGE, 0), target.gateway.searchPort(),
                    "/" + ATTACKER_INDEX + "/_search", "Authorization: " + target.attackerToken());
            assertEquals(429, refused.status(), refused.body());
            assertEquals("close", refused.header("Connection"));
            assertTrue(refused.body().contains("too many connections"), refused.body());
            ByteBuffer read = ByteBuffer.allocate(4096);
            long end = System.nanoTime() + ATTACK.toNanos();
            for (int second = 0; System.nanoTime() < end; second++) {
                for (int i = 0; i < channels.size(); i++) {
                    SocketChannel channel = channels.get(i);
                    boolean slow = i % 2 == 0;
                    try {
                        if (slow) {
                            channel.write(ByteBuffer.wrap(head, second % head.length, 1));
                        }
                        read.clear();
                        if (channel.read(read) != 0) {
                            throw new IOException("answered or closed");
                        }
                    } catch (IOException closed) {
                        longestMillis.accumulateAndGet((System.nanoTime() - openedAt.get(i)) / 1_000_000, Math::max);
                        cut.incrementAndGet();
                        closeQuietly(channel);
                        channels.set(i, target.connectChannel(0));
                        openedAt.set(i, System.nanoTime());
                    }
                }
                target.sleep(Duration.ofSeconds(1));
            }
            channels.forEach(HostileClientsIT::closeQuietly);
        });
        report.note("slow or silent connections cut: " + cut.get() + ", longest held: " + longestMillis.get() + " ms");
        assertTrue(cut.get() >= 1000, "every slow or silent connection is cut within the attack: " + cut.get());
        assertTrue(longestMillis.get() < 13_000, "within limits.header-timeout, and a second: " + longestMillis.get() + " ms");
    }

    /** 128 clients sending small searches on one token, as fast as they are answered. */
    @Test
    void manyRequestsOnOneToken() {
        Report report = underAttack("many requests on one token", target -> target.flood(128, (client, n) -> target.send(client,
                "GET /" + ATTACKER_INDEX + "/_search?size=1 HTTP/1.1\r\nHost: gateway\r\nAuthorization: " + target.attackerToken(), null)));
        report.attackerGotOnly(200, 429);
        report.attackerGotSome(429);
    }

    /** Unauthenticated uploads of a declared 100 MB asking for {@code 100 Continue}, on 64 connections. */
    @Test
    void unauthenticatedUploadsExpectingContinue() {
        Report report = underAttack("unauthenticated uploads", target -> target.flood(64, (client, n) -> target.send(client,
                "POST /_bulk HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/x-ndjson\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 100000000", null)));
        report.attackerGotOnly(401);
    }

    // --- the harness -------------------------------------------------------------------------------------------

    /** An attack: what it does to the gateway, for {@link #ATTACK}. */
    private interface Attack {
        void run(Target target) throws Exception;
    }

    /** One request of a flooding client: its status, or -1 when the connection ended without an answer. */
    private interface Request {
        int send(int client, int n) throws IOException;
    }

    /** The gateway under attack, and the attacker's means. */
    private static final class Target {
        private final GatewayProcess gateway;
        private final String attackerToken;
        final Map<Integer, AtomicInteger> statuses = new ConcurrentSkipListMap<>();

        Target(GatewayProcess gateway, String attackerToken) {
            this.gateway = gateway;
            this.attackerToken = attackerToken;
        }

        String attackerToken() {
            return attackerToken;
        }

        /** {@code clients} threads, each from an address of its own, sending {@code request} until the attack ends. */
        void flood(int clients, Request request) throws InterruptedException {
            ExecutorService threads = Executors.newFixedThreadPool(clients);
            long end = System.nanoTime() + ATTACK.toNanos();
            for (int c = 0; c < clients; c++) {
                int client = c;
                threads.submit(() -> {
                    for (int n = 0; System.nanoTime() < end; n++) {
                        int status;
                        try {
                            status = request.send(client, n);
                        } catch (IOException | RuntimeException e) {
                            status = -1;
                        }
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    }
                });
            }
            threads.shutdown();
            assertTrue(threads.awaitTermination(ATTACK.toSeconds() + 60, TimeUnit.SECONDS), "the attackers stop");
        }

        /** Sends {@code head} (and the blank line) and {@code body} on a fresh connection; the answer's status. */
        int send(int client, String head, byte[] body) throws IOException {
            try (Socket socket = connect(client)) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    try {
                        out.write(body);
                    } catch (IOException refusedBeforeTheEnd) {
                        // the gateway may answer and close before reading all of it: the answer is what counts
                    }
                }
                out.flush();
                return statusOf(socket.getInputStream());
            }
        }

        /** A connection from the attacker's {@code client}th address, with {@code head} and {@code part} of a body sent. */
        Socket open(int client, String head, byte[] part) throws IOException {
            Socket socket = connect(client);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(part);
            out.flush();
            return socket;
        }

        /** A non-blocking channel from the attacker's {@code client}th address. */
        SocketChannel connectChannel(int client) throws IOException {
            SocketChannel channel = SocketChannel.open();
            channel.bind(new InetSocketAddress(RawHttpConnection.client(ADDRESS_RANGE, client), 0));
            channel.connect(new InetSocketAddress("127.0.0.1", gateway.searchPort()));
            channel.configureBlocking(false);
            return channel;
        }

        Socket connect(int client) throws IOException {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(RawHttpConnection.client(ADDRESS_RANGE, client), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.searchPort()), 5000);
            return socket;
        }

        void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
        }
    }

    /** What one attack did: the valid tenant's worst latency, the gateway's peaks, the attacker's answers. */
    private record Report(String attack, int searches, long worstMillis, long peakHeapMib, long peakLiveMib, long peakRssMib,
                          Map<Integer, AtomicInteger> attackerStatuses) {

        void attackerGotOnly(Integer... statuses) {
            List<Integer> allowed = List.of(statuses);
            attackerStatuses.forEach((status, count) -> assertTrue(allowed.contains(status) || status == -1,
                    attack + ": the attacker got " + count + " answers " + status + "; expected only " + allowed));
        }

        void attackerGotSome(int status) {
            assertTrue(attackerStatuses.containsKey(status), attack + ": some " + status + " expected: " + attackerStatuses);
        }

        void attackerGotNothingUnexpected() {
            attackerGotOnly(200, 400, 401, 403, 408, 413, 429);
        }

        void note(String line) {
            write(attack + ": " + line);
        }
    }

    /**
     * Starts a fresh gateway, provisions the two tenants, runs {@code attack} while probing with the tenant's token,
     * then checks the gateway is alive, answers normally, and logged no {@code OutOfMemoryError}.
     */
    private Report underAttack(String name, Attack attack) {
        GatewayProcess gateway = GatewayProcess.builder("hostile-" + name.replace(' ', '-'))
                .adminKey(ADMIN_KEY)
                .dataDir(Path.of("target", "it-data", "hostile-" + System.nanoTime()))
                .elasticsearchUpstream(OpenSearchServer.get().uri())
                .graylogUpstream(graylog.uri())
                .jvmOption("-Xms512m")
                .jvmOption("-Xmx512m")
                .start();
        try {
            ManagementClient operator = ManagementClient.asOperator(gateway, ADMIN_KEY);
            operator.provision(TENANT, TENANT_USER, TENANT_PASSWORD);
            operator.provision(ATTACKER, ATTACKER_USER, ATTACKER_PASSWORD);
            String tenantToken = basicToken(operator.createToken(TENANT, "probe").value());
            String attackerToken = basicToken(operator.createToken(ATTACKER, "attack").value());
            Probe probe = new Probe(gateway, tenantToken);
            probe.search(); // warm: the token cached, the connection open
            gateway.resetPeakRss();
            Target target = new Target(gateway, attackerToken);
            Thread prober = new Thread(probe, "probe");
            prober.start();
            try {
                attack.run(target);
            } catch (Exception e) {
                throw new AssertionError(name + ": the attack itself failed", e);
            } finally {
                probe.stop();
                prober.join(30_000);
            }
            Report report = new Report(name, probe.latencies.size(), probe.worstMillis(), probe.peakHeap.get() / (1024 * 1024),
                    probe.peakLive.get() / (1024 * 1024), gateway.peakRssKib() / 1024, target.statuses);
            write(String.format("%-28s valid searches %4d, worst %5d ms, peak heap %4d MiB (live after GC %4d MiB), peak RSS %4d MiB;"
                            + " attacker got %s", name, report.searches(), report.worstMillis(), report.peakHeapMib(), report.peakLiveMib(),
                    report.peakRssMib(), target.statuses));
            assertTrue(gateway.isAlive(), name + ": the gateway is alive\n" + gateway.tail(40));
            assertTrue(probe.failures.isEmpty(), name + ": every valid search answers 200: " + probe.failures);
            assertTrue(report.worstMillis() < WORST_ALLOWED.toMillis(), name + ": worst valid search " + report.worstMillis() + " ms");
            assertTrue(report.searches() >= ATTACK.toMillis() / PROBE_EVERY.toMillis() / 2, name + ": searches made: " + report.searches());
            assertEquals(200, probe.search(), name + ": the gateway answers normally after");
            assertEquals(200, operator.send("GET", "/dbaas/logs/" + TENANT + "/token", null).statusCode(), name + ": management too");
            String output = Files.readString(gateway.output());
            assertFalse(output.contains("OutOfMemoryError"), name + ": no OutOfMemoryError\n" + gateway.tail(40));
            return report;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            gateway.stop();
            try {
                SecretsInLogs.assertNoneIn(gateway.output());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The other tenant: one search every {@link #PROBE_EVERY} on a kept-alive connection, and the heap sampled each second. */
    private static final class Probe implements Runnable {
        private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E]+)");
        /** The old generation's size after the last collection of it: what the heap really holds. */
        private static final Pattern LIVE = Pattern.compile("jvm_gc_live_data_size_bytes(?:\\{[^}]*})? ([0-9.E]+)");
        private final GatewayProcess gateway;
        private final String authorization;
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final List<Long> latencies = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final AtomicLong peakHeap = new AtomicLong();
        final AtomicLong peakLive = new AtomicLong();
        private volatile boolean stopped;

        Probe(GatewayProcess gateway, String authorization) {
            this.gateway = gateway;
            this.authorization = authorization;
        }

        int search() throws IOException, InterruptedException {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.search("/" + INDEX + "/_search?q=hello"))
                    .header("Authorization", authorization).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode();
        }

        void stop() {
            stopped = true;
        }

        long worstMillis() {
            return latencies.stream().mapToLong(Long::longValue).max().orElse(Long.MAX_VALUE);
        }

        @Override
        public void run() {
            long nextHeapSample = 0;
            while (!stopped) {
                long start = System.nanoTime();
                try {
                    int status = search();
                    if (status != 200) {
                        failures.add("status " + status);
                    }
                } catch (IOException | InterruptedException e) {
                    failures.add(e.toString());
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                latencies.add(millis);
                if (start > nextHeapSample) {
                    sampleHeap();
                    nextHeapSample = start + 1_000_000_000L;
                }
                try {
                    Thread.sleep(Math.max(0, PROBE_EVERY.toMillis() - millis));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sampleHeap() {
            try {
                String metrics = client.send(HttpRequest.newBuilder(gateway.management("/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                double used = 0;
                for (Matcher m = HEAP.matcher(metrics); m.find(); ) {
                    used += Double.parseDouble(m.group(1));
                }
                peakHeap.accumulateAndGet((long) used, Math::max);
                Matcher live = LIVE.matcher(metrics);
                if (live.find()) {
                    peakLive.accumulateAndGet((long) Double.parseDouble(live.group(1)), Math::max);
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // a missed sample leaves the peak as it was
            }
        }
    }

    // --- attack material ---------------------------------------------------------------------------------------

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String randomText(int length) {
        byte[] bytes = new byte[length * 3 / 4 + 3];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, length);
    }

    private static String basicToken(String token) {
        return RawHttpConnection.basic(token, "token");
    }

    private static byte[] bulkLines(String index, int bytes) {
        StringBuilder body = new StringBuilder();
        while (body.length() < bytes) {
            body.append("{\"index\":{\"_index\":\"").append(index).append("\"}}\n{\"message\":\"").append(RANDOM.nextLong()).append("\"}\n");
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One action line and a document of {@code bytes} spaces: compresses about a thousand times. */
    private static byte[] bulkBomb(int bytes) {
        String action = "{\"index\":{\"_index\":\"" + ATTACKER_INDEX + "\"}}\n{\"message\":\"";
        byte[] out = new byte[bytes];
        byte[] prefix = action.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        for (int i = prefix.length; i < bytes - 3; i++) {
            out[i] = ' ';
        }
        out[bytes - 3] = '"';
        out[bytes - 2] = '}';
        out[bytes - 1] = '\n';
        return out;
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(plain);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** The status of the first final answer on {@code in}, or -1 when the connection ends first. */
    private static int statusOf(InputStream in) throws IOException {
        while (true) {
            String statusLine = line(in);
            if (statusLine == null) {
                return -1;
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            String header;
            do {
                header = line(in);
            } while (header != null && !header.isEmpty());
            if (status >= 200) {
                return status;
            }
            if (status == 100) {
                return 100; // an unauthenticated upload must never be asked for its body
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                return bytes.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
            }
            bytes.write(b);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing an attacker's socket
        }
    }

    private static synchronized void write(String line) {
        System.out.println(line);
        try {
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
