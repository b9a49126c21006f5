package io.logstokengateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.FreePorts;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three packaged gateways on one PostgreSQL of the test's own, behind HAProxy (health checks on each listener's
 * readiness group, no stickiness), under a steady load of valid-token searches against the real OpenSearch, while
 * the test SIGKILLs a node and restarts it, stops another with SIGTERM and restarts it, restarts PostgreSQL, cuts the
 * third node off from PostgreSQL for longer than {@code node-timeout}, and deletes a token meanwhile. Figures go to
 * stdout and {@code target/fleet.txt}. Skipped, saying so, where HAProxy or the PostgreSQL server binaries are absent.
 */
class FleetIT {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SHUTDOWN_DELAY = Duration.ofSeconds(1);
    /** A SIGKILL's victims: requests that were on the killed node, or sent to it before HAProxy saw it gone. */
    private static final Duration KILL_WINDOW = Duration.ofSeconds(2);
    private static final int LOAD_THREADS = 4;
    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final String SECRETS_KEY = SecretsInLogs.remember(randomKey());
    private static final String SERVICE = "ldp-it-fleet";
    private static final String USER = "logs-it-fleet";
    private static final String PASSWORD = SecretsInLogs.remember("Fleet-Horse-Battery-" + UUID.randomUUID());
    private static final String INDEX = USER + "-i-fleet";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private static PrivatePostgres postgres;
    private static TcpRelay relay;
    private static GraylogEmulator graylog;
    private static Process haproxy;
    private static Path work;
    private static int lbSearchPort;
    private static int lbManagementPort;
    private static final List<GatewayProcess.Builder> builders = new ArrayList<>();
    private static final GatewayProcess[] nodes = new GatewayProcess[3];
    private static final List<Path> outputs = new ArrayList<>();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> report = new ArrayList<>();
    private final AtomicReference<String> phase = new AtomicReference<>("steady");
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final long began = System.nanoTime();
    private long killedAt;

    /** One request of the load: when it was sent and ended (ms since the test began), during which fault, its status (0: I/O error). */
    private record Outcome(long sentMs, long endedMs, String phase, int status) {
    }

    @BeforeAll
    static void startTheFleet() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/sbin/haproxy")),
                "HAProxy is not installed (apt-get install haproxy, as .ci/run does): the fleet test is skipped");
        Path bin = PrivatePostgres.binaries().orElse(null);
        Assumptions.assumeTrue(bin != null,
                "No PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql): the fleet test is skipped");
        work = Files.createDirectories(Paths.get("target", "fleet-" + System.currentTimeMillis()).toAbsolutePath());
        postgres = PrivatePostgres.start(bin);
        String database = "fleet";
        postgres.createDatabase(database);
        relay = new TcpRelay(FreePorts.next(), postgres.port());
        graylog = GraylogEmulator.start();
        OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"fleet\",\"timestamp\":\"2026-12-02T00:00:00Z\"}");
        for (int i = 0; i < 3; i++) {
            // The third node reaches PostgreSQL through the relay, so that it alone can be cut off.
            int port = i == 2 ? relay.port() : postgres.port();
            builders.add(GatewayProcess.builder("fleet-node-" + (i + 1))
                    .host("127.0.0." + (11 + i))
                    .property("gateway.registry.kind", "postgresql")
                    .property("quarkus.datasource.postgresql.jdbc.url", PrivatePostgres.jdbcUrl(port, database))
                    .property("quarkus.datasource.postgresql.username", "postgres")
                    .property("quarkus.datasource.postgresql.password", "")
                    .property("gateway.secrets.key", SECRETS_KEY)
                    .property("gateway.cluster.poll-interval", POLL_INTERVAL.toMillis() + "ms")
                    .property("gateway.cluster.node-timeout", NODE_TIMEOUT.toSeconds() + "s")
                    .property("quarkus.shutdown.delay", SHUTDOWN_DELAY.toMillis() + "ms")
                    .property("gateway.shutdown.drain-timeout", "10s")
                    .adminKey(ADMIN_KEY)
                    .dataDir(work.resolve("node-" + (i + 1)))
                    .elasticsearchUpstream(OpenSearchServer.get().uri())
                    .graylogUpstream(graylog.uri()));
            start(i); // one after the other: the first runs the migrations
        }
        lbSearchPort = FreePorts.next();
        lbManagementPort = FreePorts.next();
        startHaproxy();
        ManagementClient.asOperator(URI.create("http://127.0.0.1:" + lbManagementPort), ADMIN_KEY).provision(SERVICE, USER, PASSWORD);
    }

    @AfterAll
    static void stopTheFleet() throws IOException {
        try {
            if (haproxy != null) {
                haproxy.destroy();
            }
            for (GatewayProcess node : nodes) {
                if (node != null) {
                    node.stop();
                }
            }
            for (Path output : outputs) {
                SecretsInLogs.assertNoneIn(output);
            }
        } finally {
            if (graylog != null) {
                graylog.close();
            }
            if (relay != null) {
                relay.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void fleetServesThroughCrashesRestartsAndADatabaseOutage() throws Exception {
        ManagementClient operator = ManagementClient.asOperator(lb(lbManagementPort, ""), ADMIN_KEY);
        String valid = SecretsInLogs.remember(operator.createToken(SERVICE, "steady").value());
        ManagementClient.Token doomed = operator.createToken(SERVICE, "doomed");
        SecretsInLogs.remember(doomed.value());

        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < LOAD_THREADS; i++) {
            load.add(started("fleet-load-" + i, () -> steadyLoad(valid, running)));
        }
        // The deleted token, tried on every node directly: after SUCCESS, no node may accept it.
        ConcurrentLinkedQueue<long[]> doomedAccepted = new ConcurrentLinkedQueue<>();
        Thread prober = started("fleet-doomed", () -> probeDoomed(doomed.value(), running, doomedAccepted));
        try {
            Thread.sleep(3000);

            // 1. A crash: SIGKILL, then a restart on the same address and ports.
            phase.set("sigkill node 1");
            killedAt = now();
            nodes[0].kill();
            Thread.sleep(1000);
            long restartedAfter = restart(0, killedAt);
            note("node 1 SIGKILLed at %d ms, restarted and ready in HAProxy %d ms later", killedAt, restartedAfter);

            // 2. A rolling restart: SIGTERM (drained), then start again.
            phase.set("sigterm node 2");
            long terminatedAt = now();
            nodes[1].terminate();
            assertTrue(nodes[1].awaitExit(Duration.ofSeconds(20)), "node 2 exits after SIGTERM");
            long exitedAfter = now() - terminatedAt;
            long ready2 = restart(1, terminatedAt);
            note("node 2 SIGTERMed at %d ms, exited after %d ms, back in HAProxy %d ms after the signal", terminatedAt, exitedAfter, ready2);

            // 3. PostgreSQL restarts under every node.
            phase.set("postgresql restart");
            long pgAt = now();
            postgres.restart();
            note("PostgreSQL restarted at %d ms in %d ms", pgAt, now() - pgAt);
            Thread.sleep(2000);

            // 4. Node 3 cut off from PostgreSQL for longer than node-timeout; a token deleted meanwhile.
            phase.set("node 3 cut off");
            long cutAt = now();
            relay.sever();
            long[] refusal = awaitRefusal(2, valid, NODE_TIMEOUT.plusSeconds(5));
            note("node 3 cut off from PostgreSQL at %d ms: last token accepted on a request sent %d ms later, first 503 %d ms later"
                    + " (node-timeout %d ms)", cutAt, refusal[0] - cutAt, refusal[1] - cutAt, NODE_TIMEOUT.toMillis());
            assertTrue(refusal[0] - cutAt <= NODE_TIMEOUT.toMillis(), "the cut-off node stops accepting tokens within node-timeout");

            long deletedAt = now();
            HttpResponse<String> deleted = operator.send("DELETE", "/dbaas/logs/" + SERVICE + "/token/" + doomed.id(), null);
            assertEquals(200, deleted.statusCode(), "DELETE through the load balancer");
            String operationId = JSON.readTree(deleted.body()).path("operationId").asText();
            long succeededAt = awaitSuccess(operator, operationId, Duration.ofSeconds(15));
            note("token deleted at %d ms; its operation read SUCCESS %d ms later", deletedAt, succeededAt - deletedAt);
            doomedAccepted.removeIf(sentAndNode -> sentAndNode[0] < succeededAt);

            Thread.sleep(Math.max(0, NODE_TIMEOUT.toMillis() + 1000 - (now() - cutAt)));
            long restoredAt = now();
            relay.restore();
            long recoveredAfter = awaitNodeStatus(2, valid, 200, Duration.ofSeconds(20)) - restoredAt;
            note("node 3 reconnected at %d ms (cut for %d ms): serves tokens again %d ms later", restoredAt, restoredAt - cutAt, recoveredAfter);
            assertEquals(401, directSearch(2, doomed.value()), "the recovered node applied the deletion it missed");
            phase.set("steady");
            Thread.sleep(2000);
        } finally {
            running.set(false);
            for (Thread thread : load) {
                thread.join(10_000);
            }
            prober.join(10_000);
        }

        consoleSessionOpenedOnOneNodeWorksOnTheOthers();
        guessesSpreadOverTheNodesShareOneBudget();

        Map<String, List<Outcome>> byPhase = outcomes.stream().collect(Collectors.groupingBy(Outcome::phase, LinkedHashMap::new, Collectors.toList()));
        byPhase.forEach((name, list) -> note("load during %-20s %6d requests, %d failed", name, list.size(),
                list.stream().filter(o -> o.status() != 200).count()));
        List<Outcome> failed = outcomes.stream().filter(o -> o.status() != 200).toList();
        List<Outcome> onKilledNode = failed.stream()
                .filter(o -> o.sentMs() <= killedAt + KILL_WINDOW.toMillis() && o.endedMs() >= killedAt).toList();
        note("requests served %d, failed %d, of which in flight on the SIGKILLed node %d; doomed token accepted after SUCCESS %d times",
                outcomes.size() - failed.size(), failed.size(), onKilledNode.size(), doomedAccepted.size());
        failed.forEach(o -> note("  failed: sent at %d ms, ended at %d ms, during %s, status %d", o.sentMs(), o.endedMs(), o.phase(), o.status()));
        Files.write(Paths.get("target", "fleet.txt"), report);

        assertTrue(outcomes.size() > 1000, "a steady load ran: " + outcomes.size());
        assertEquals(failed.size(), onKilledNode.size(), "no valid request failed but those on the SIGKILLed node");
        assertTrue(onKilledNode.size() <= LOAD_THREADS, "at most one request per client was on the killed node");
        assertTrue(doomedAccepted.isEmpty(), "no node accepted the deleted token once its operation read SUCCESS");
    }

    /** Signs in through node 1's management port, then uses the session (and its CSRF token) on nodes 2 and 3. */
    private void consoleSessionOpenedOnOneNodeWorksOnTheOthers() throws Exception {
        HttpResponse<String> form = send(HttpRequest.newBuilder(nodes[0].management("/console/login")).GET());
        String nonce = cookie(form, "console_login");
        HttpResponse<String> signedIn = send(HttpRequest.newBuilder(nodes[0].management("/console/login"))
                .header("Cookie", "console_login=" + nonce).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("csrf", csrf(form.body()), "method", "account",
                        "username", USER, "password", PASSWORD)))));
        assertEquals(303, signedIn.statusCode(), "signed in on node 1");
        String session = "console_session=" + cookie(signedIn, "console_session");

        HttpResponse<String> onNode2 = send(HttpRequest.newBuilder(nodes[1].management("/console/services/" + SERVICE))
                .header("Cookie", session).GET());
        assertEquals(200, onNode2.statusCode(), "node 2 knows the session node 1 opened");
        HttpResponse<String> created = send(HttpRequest.newBuilder(nodes[2].management("/console/services/" + SERVICE + "/tokens"))
                .header("Cookie", session).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("csrf", csrf(onNode2.body()), "name", "made-in-the-console")))));
        assertEquals(303, created.statusCode(), "node 3 accepts the CSRF token of the session node 1 opened");
        HttpResponse<String> shown = send(HttpRequest.newBuilder(nodes[0].management("/console/services/" + SERVICE))
                .header("Cookie", session).GET());
        assertTrue(shown.statusCode() == 200 && shown.body().contains("made-in-the-console") && shown.body().contains("new-token"),
                "node 1 shows, once, the token created through node 3");
        note("console: signed in on node 1, page on node 2, token created on node 3 and shown on node 1");
    }

    /**
     * Wrong passwords for one account, each tried on the next node in turn (each a different one, so that no node
     * answers from its cache of refusals): the account's budget (5 failures) is spent once in all, not once per node.
     */
    private void guessesSpreadOverTheNodesShareOneBudget() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            GatewayProcess node = nodes[i % 3];
            String guess = SecretsInLogs.remember("Wrong-Guess-" + i + "-" + UUID.randomUUID());
            statuses.add(send(HttpRequest.newBuilder(node.management("/dbaas/logs")).header("Authorization", basic(USER, guess)).GET())
                    .statusCode());
        }
        note("guesses for one account spread over the three nodes answered %s", statuses);
        assertEquals(List.of(401, 401, 401, 401, 401, 429, 429, 429, 429), statuses,
                "five failed checks in all, then every node refuses to check more");
    }

    private void steadyLoad(String token, AtomicBoolean running) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(lb(lbSearchPort, "/" + INDEX + "/_search?size=1")).timeout(Duration.ofSeconds(10))
                .header("Authorization", basic(token, "token")).GET().build();
        while (running.get()) {
            String during = phase.get();
            long sent = now();
            int status;
            try {
                status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = 0;
            } catch (InterruptedException e) {
                return;
            }
            outcomes.add(new Outcome(sent, now(), during, status));
            pause(20);
        }
    }

    private void probeDoomed(String token, AtomicBoolean running, ConcurrentLinkedQueue<long[]> accepted) {
        while (running.get()) {
            for (int i = 0; i < 3; i++) {
                long sent = now();
                if (directSearch(i, token) == 200) {
                    accepted.add(new long[] {sent, i + 1});
                }
            }
            pause(50);
        }
    }

    private int directSearch(int node, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0." + (11 + node) + ":" + builtSearchPort(node)
                        + "/" + INDEX + "/_search?size=1"))
                .timeout(Duration.ofSeconds(5)).header("Authorization", basic(token, "token")).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int builtSearchPort(int node) {
        return nodes[node].searchPort();
    }

    /**
     * Searches node directly until it answers 503: answers when the last request it accepted was sent and when the
     * first 503 came (ms since the test began).
     */
    private long[] awaitRefusal(int node, String token, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastAccepted = now();
        while (System.nanoTime() < deadline) {
            long sent = now();
            int status = directSearch(node, token);
            if (status == 200) {
                lastAccepted = sent;
            } else if (status == 503) {
                return new long[] {lastAccepted, now()};
            }
            pause(50);
        }
        throw new AssertionError("node " + (node + 1) + " did not answer 503 within " + timeout);
    }

    /** Waits until node answers {@code status} to a search with the token; answers when (ms since the test began). */
    private long awaitNodeStatus(int node, String token, int status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (directSearch(node, token) == status) {
                return now();
            }
            pause(50);
        }
        throw new AssertionError("node " + (node + 1) + " did not answer " + status + " within " + timeout);
    }

    private long awaitSuccess(ManagementClient operator, String operationId, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> operation = operator.send("GET", "/dbaas/logs/" + SERVICE + "/operation/" + operationId, null);
            if (operation.statusCode() == 200 && "SUCCESS".equals(JSON.readTree(operation.body()).path("state").asText())) {
                return now();
            }
            pause(50);
        }
        throw new AssertionError("the deletion's operation did not read SUCCESS within " + timeout);
    }

    /** Starts node {@code i} again and waits until HAProxy sends it requests; answers ms since {@code since}. */
    private long restart(int i, long since) {
        start(i);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (status(nodes[i].management("/q/health/group/search")) == 200) {
                pause(1500); // HAProxy's rise: two checks 500 ms apart
                return now() - since;
            }
            pause(100);
        }
        throw new AssertionError("node " + (i + 1) + " not ready after its restart");
    }

    private static void start(int i) {
        nodes[i] = builders.get(i).start();
        outputs.add(nodes[i].output());
    }

    private static void startHaproxy() throws IOException {
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 2000
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                    timeout check 2s
                    retries 3
                    option redispatch 1
                    retry-on conn-failure empty-response 503
                """);
        backend(cfg, "search", lbSearchPort, "search", GatewayProcess::searchPort);
        backend(cfg, "management", lbManagementPort, "management", GatewayProcess::managementPort);
        Path file = work.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        haproxy = new ProcessBuilder("/usr/sbin/haproxy", "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && new FleetIT().status(lb(lbManagementPort, "/q/health/live")) != 200) {
            pause(100);
        }
    }

    private static void backend(StringBuilder cfg, String name, int port, String group,
                                java.util.function.ToIntFunction<GatewayProcess> listenerPort) {
        cfg.append("frontend ").append(name).append("\n    bind 127.0.0.1:").append(port).append("\n    default_backend ").append(name)
                .append("\nbackend ").append(name).append("\n    balance roundrobin\n    option httpchk GET /q/health/group/").append(group)
                .append("\n    http-check expect status 200\n    default-server inter 500ms fall 2 rise 2\n");
        for (int i = 0; i < 3; i++) {
            cfg.append("    server node").append(i + 1).append(' ').append(nodes[i].host()).append(':').append(listenerPort.applyAsInt(nodes[i]))
                    .append(" check port ").append(nodes[i].managementPort()).append('\n');
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " cookie (status " + response.statusCode() + ")"));
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in the page");
        }
        return m.group(1);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static URI lb(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private void note(String format, Object... args) {
        String line = String.format(format, args);
        report.add(line);
        System.out.println("FLEET " + line);
    }

    private long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
    }

    private static Thread started(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.start();
        return thread;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
