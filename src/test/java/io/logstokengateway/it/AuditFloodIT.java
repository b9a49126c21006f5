package io.logstokengateway.it;

import io.logstokengateway.testsupport.RawHttpConnection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail under a flood of bad credentials, on the packaged gateway: while 32 clients send garbage tokens and
 * wrong passwords as fast as they can, an authenticated token is refused by index scoping again and again. Every one
 * of its {@code scope.denied} events must be written; the flood's own events stay within their budgets (per event
 * type, per client), and what they drop is counted in {@code audit.suppressed}.
 */
class AuditFloodIT {

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final String SERVICE = "ldp-flood-00001";
    private static final String USER = "logs-flood-00001";
    private static final int FLOOD_CLIENTS = 32;
    private static final int DENIED_REQUESTS = 200;
    private static final int MAX_PER_TYPE_PER_SECOND = 20;
    private static final int MAX_PER_CLIENT_PER_SECOND = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GraylogEmulator graylog;
    private static GatewayProcess gateway;
    private static String tokenId;
    private static String token;

    @BeforeAll
    static void startGateway() {
        graylog = GraylogEmulator.start();
        gateway = GatewayProcess.builder("audit-flood")
                .adminKey(ADMIN_KEY)
                .dataDir(Path.of("target", "it-data", "audit-flood-" + System.currentTimeMillis()))
                .elasticsearchUpstream(OpenSearchServer.get().uri())
                .graylogUpstream(graylog.uri())
                .start();
        ManagementClient operator = ManagementClient.asOperator(gateway, ADMIN_KEY);
        operator.provision(SERVICE, USER, SecretsInLogs.remember("Flood-Account-Password-1"));
        ManagementClient.Token created = operator.createToken(SERVICE, "flooded");
        tokenId = created.id();
        token = SecretsInLogs.remember(created.value());
    }

    @AfterAll
    static void stop() throws IOException {
        SecretsInLogs.stopAndAssertNoneIn(gateway);
        if (graylog != null) {
            graylog.close();
        }
    }

    @Test
    void everyRefusalOfAnAuthenticatedTokenIsWrittenWhileBadCredentialsFlood() throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong floodRequests = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(FLOOD_CLIENTS);
        for (int c = 0; c < FLOOD_CLIENTS; c++) {
            String from = RawHttpConnection.client(30, c);
            int client = c;
            pool.submit(() -> {
                for (long i = 0; flooding.get(); i++) {
                    // Half garbage tokens, half guesses of one account's password (which the throttle soon answers with 429s).
                    String authorization = i % 2 == 0 ? RawHttpConnection.basic("garbage-" + client + "-" + i, "token")
                            : RawHttpConnection.basic("logs-nobody", "guess-" + client + "-" + i);
                    RawHttpConnection.get(from, gateway.searchPort(), "/" + USER + "-i-*/_search", "Authorization: " + authorization);
                    floodRequests.incrementAndGet(); // answered: its event was written or counted
                }
                return null;
            });
        }
        Thread.sleep(1000); // the flood is under way

        String from = RawHttpConnection.client(31, 1);
        for (int i = 0; i < DENIED_REQUESTS; i++) {
            RawHttpConnection.Response denied = RawHttpConnection.get(from, gateway.searchPort(), "/logs-someone-else-i-" + i + "/_search",
                    "Authorization: Bearer " + token);
            assertEquals(403, denied.status(), denied.body());
        }
        flooding.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        Thread.sleep(2500); // the suppressed counts of the last seconds are reported by a timer

        List<JsonNode> audit = auditLines();
        long denials = audit.stream().filter(e -> e.path("event").asText().equals("scope.denied")
                && e.path("tokenId").asText().equals(tokenId)).count();
        assertEquals(DENIED_REQUESTS, denials, "every scope.denied of the authenticated token is written");
        for (int i = 0; i < DENIED_REQUESTS; i++) {
            String path = "/logs-someone-else-i-" + i + "/_search";
            assertTrue(audit.stream().anyMatch(e -> e.path("event").asText().equals("scope.denied") && e.path("path").asText().equals(path)),
                    "the denial of " + path);
        }

        Map<String, Integer> perTypeAndSecond = new HashMap<>();
        Map<String, Integer> perClientAndSecond = new HashMap<>();
        long written = 0;
        for (JsonNode event : audit) {
            String type = event.path("event").asText();
            // a guess refused because every password check is busy is a limit.reached (password-check-queue)
            if (type.equals("auth.failed") || type.equals("auth.throttled") || type.equals("limit.reached")) {
                String second = event.path("time").asText().substring(0, 19);
                perTypeAndSecond.merge(type + "@" + second, 1, Integer::sum);
                perClientAndSecond.merge(event.path("client").asText() + "@" + second, 1, Integer::sum);
                written++;
            }
        }
        long suppressed = audit.stream().filter(e -> e.path("event").asText().equals("audit.suppressed"))
                .mapToLong(e -> e.path("count").asLong()).sum();
        assertTrue(floodRequests.get() > 2_000, "a real flood: " + floodRequests.get() + " requests");
        assertTrue(perTypeAndSecond.values().stream().allMatch(n -> n <= MAX_PER_TYPE_PER_SECOND), perTypeAndSecond.toString());
        assertTrue(perClientAndSecond.values().stream().allMatch(n -> n <= MAX_PER_CLIENT_PER_SECOND), perClientAndSecond.toString());
        assertTrue(written > 0, "the flood is in the audit trail too");
        assertTrue(suppressed > 0, "and what was dropped of it is counted");
        assertEquals(floodRequests.get(), written + suppressed, "every flood event is either written or counted");
        String metrics = RawHttpConnection.get(RawHttpConnection.client(31, 2), gateway.managementPort(), "/q/metrics").body();
        assertTrue(Pattern.compile("gateway_audit_suppressed_total\\{type=\"auth.failed\"} [1-9]").matcher(metrics).find(),
                "the drops are in the metrics too");
    }

    private static List<JsonNode> auditLines() throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(gateway.output())) {
            if (line.startsWith("{\"time\":") && line.contains("\"event\":")) {
                events.add(JSON.readTree(line));
            }
        }
        return events;
    }
}
