package io.logstokengateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.Http;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.logstokengateway.testsupport.PostgresAvailability;
import io.logstokengateway.testsupport.PostgresDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged gateways (node A and node B) sharing one PostgreSQL registry, as an operator runs them behind a load
 * balancer. A token minted on one node works on the other; a revocation made on one node reaches the other within
 * about two poll intervals even where it had the credential cached; a deletion's Operation reaches {@code SUCCESS}
 * only once the other node refuses the token, and still completes when that node has died.
 *
 * <p>The steps build on each other (B is killed last), hence the ordering. Skipped with a message where no
 * PostgreSQL answers.
 */
@ExtendWith(PostgresAvailability.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRevocationIT {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(5);
    /** About two poll intervals, with room for a slow machine. */
    private static final Duration OTHER_NODE_DEADLINE = Duration.ofSeconds(3);
    private static final Duration PASSWORD_DEADLINE = Duration.ofSeconds(2);
    /** Time for the Operation of a deletion both nodes applied. */
    private static final Duration OPERATION_DEADLINE = Duration.ofSeconds(5);
    /** Node timeout, then a poll or two of node A. */
    private static final Duration DEAD_NODE_DEADLINE = Duration.ofSeconds(10);
    private static final long PROBE_PAUSE_MILLIS = 25;

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final String SECRETS_KEY = SecretsInLogs.remember(randomKey());
    private static final String SERVICE = "ldp-it-cluster";
    private static final String USER = "logs-it-cluster";
    private static final String PASSWORD = SecretsInLogs.remember("Cluster-Horse-Battery-" + UUID.randomUUID());
    private static final String NEW_PASSWORD = SecretsInLogs.remember("Cluster-Staple-Correct-" + UUID.randomUUID());
    private static final String INDEX = USER + "-i-x";
    private static final String MARKER = "seen-by-both-nodes";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<Path> outputs = new ArrayList<>();
    private static String databaseUrl;
    private static GraylogEmulator graylog;
    private static GatewayProcess nodeA;
    private static GatewayProcess nodeB;
    private static ManagementClient operatorOnA;
    private static ManagementClient operatorOnB;

    @BeforeAll
    static void startTwoNodesOnOneDatabase() {
        databaseUrl = PostgresDatabase.createFreshDatabase();
        graylog = GraylogEmulator.start();
        OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"" + MARKER + "\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
        nodeA = start("cluster-node-a"); // first: it runs the migrations
        nodeB = start("cluster-node-b");
        operatorOnA = ManagementClient.asOperator(nodeA, ADMIN_KEY);
        operatorOnB = ManagementClient.asOperator(nodeB, ADMIN_KEY);
        operatorOnA.provision(SERVICE, USER, PASSWORD);
    }

    @AfterAll
    static void stopBothNodesCheckTheirOutputsAndDropTheDatabase() throws IOException {
        try {
            for (GatewayProcess node : new GatewayProcess[] {nodeA, nodeB}) {
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
            if (databaseUrl != null) {
                PostgresDatabase.dropDatabase(databaseUrl);
            }
        }
    }

    private static GatewayProcess start(String name) {
        GatewayProcess node = GatewayProcess.builder(name)
                .property("gateway.registry.kind", "postgresql")
                .property("quarkus.datasource.postgresql.jdbc.url", databaseUrl)
                .property("quarkus.datasource.postgresql.username", PostgresDatabase.user())
                .property("quarkus.datasource.postgresql.password", PostgresDatabase.password())
                .property("gateway.secrets.key", SECRETS_KEY)
                .property("gateway.cluster.poll-interval", POLL_INTERVAL.toMillis() + "ms")
                .property("gateway.cluster.node-timeout", NODE_TIMEOUT.toSeconds() + "s")
                .adminKey(ADMIN_KEY)
                .dataDir(Path.of("target", "it-data", name + "-" + System.currentTimeMillis()))
                .elasticsearchUpstream(OpenSearchServer.get().uri())
                .graylogUpstream(graylog.uri())
                .start();
        outputs.add(node.output());
        return node;
    }

    @Test
    @Order(1)
    void tokenCreatedOnOneNodeIsReadAndAcceptedOnTheOther() {
        ManagementClient.Token token = operatorOnA.createToken(SERVICE, "made-on-a");
        SecretsInLogs.remember(token.value());

        JsonNode readOnB = json(operatorOnB.send("GET", "/dbaas/logs/" + SERVICE + "/token/" + token.id(), null));
        String valueOnB = SecretsInLogs.remember(readOnB.path("value").asText());
        // assertTrue, not assertEquals: a failure message must not quote the token value.
        assertTrue(token.value().equals(valueOnB), "node B decrypts the value node A sealed (same gateway.secrets.key)");

        assertFinds(nodeB, basic(token.value(), "token"));
        assertFinds(nodeA, basic(token.value(), "token"));
    }

    @Test
    @Order(2)
    void passwordChangedOnOneNodeIsRefusedOnTheOtherWithinTwoSeconds() {
        assertFinds(nodeA, basic(USER, PASSWORD)); // node A now holds the old password in its cache
        assertFinds(nodeB, basic(USER, PASSWORD));

        HttpResponse<String> changed = new ManagementClient(nodeB, basic(USER, PASSWORD))
                .send("POST", "/dbaas/logs/" + SERVICE + "/user/changePassword", Map.of("password", NEW_PASSWORD));
        long changedAt = System.nanoTime();
        assertEquals(200, changed.statusCode(), () -> "changePassword on node B: " + changed.body());
        String operationState = json(changed).path("state").asText();

        assertEquals(401, search(nodeB, basic(USER, PASSWORD)).statusCode(), "node B, which answered, refuses the old password at once");
        int nodeARightAfter = search(nodeA, basic(USER, PASSWORD)).statusCode();
        long refusedAfter = awaitStatus(nodeA, basic(USER, PASSWORD), 401, PASSWORD_DEADLINE, changedAt);
        System.out.printf("CLUSTER old password refused on the other node after %d ms"
                + " (changePassword answered %s; node A right after answered %d)%n", refusedAfter, operationState, nodeARightAfter);
        assertFinds(nodeA, basic(USER, NEW_PASSWORD));
        assertFinds(nodeB, basic(USER, NEW_PASSWORD));
    }

    @Test
    @Order(3)
    void deletedTokenIsRefusedAtOnceByItsNodeAndWithinTwoPollsByTheOther() {
        ManagementClient.Token token = tokenCachedOnBothNodes("deleted-on-a");

        HttpResponse<String> deleted = operatorOnA.send("DELETE", "/dbaas/logs/" + SERVICE + "/token/" + token.id(), null);
        long deletedAt = System.nanoTime();
        assertEquals(200, deleted.statusCode(), () -> "DELETE on node A: " + deleted.body());

        assertEquals(401, search(nodeA, basic(token.value(), "token")).statusCode(), "node A, which answered, refuses the token at once");
        long refusedAfter = awaitStatus(nodeB, basic(token.value(), "token"), 401, OTHER_NODE_DEADLINE, deletedAt);
        System.out.printf("CLUSTER revocation applied on the other node after %d ms%n", refusedAfter);
        assertEquals(401, search(nodeB, "Bearer " + token.value()).statusCode(), "node B refuses every form of the token");
    }

    @Test
    @Order(4)
    void deleteOperationSucceedsOnlyOnceTheOtherNodeRefusesTheToken() {
        ManagementClient.Token token = tokenCachedOnBothNodes("deleted-and-polled");

        HttpResponse<String> deleted = operatorOnA.send("DELETE", "/dbaas/logs/" + SERVICE + "/token/" + token.id(), null);
        long deletedAt = System.nanoTime();
        assertEquals(200, deleted.statusCode(), () -> "DELETE on node A: " + deleted.body());
        JsonNode operation = json(deleted);
        String firstState = operation.path("state").asText();
        assertTrue(firstState.equals("RUNNING") || firstState.equals("SUCCESS"), () -> "state right after DELETE: " + firstState);

        long succeededAfter = awaitSuccess(operation.path("operationId").asText(), deletedAt, OPERATION_DEADLINE);
        int nodeBAtSuccess = search(nodeB, basic(token.value(), "token")).statusCode();
        System.out.printf("CLUSTER deletion Operation answered %s, reached SUCCESS after %d ms%n", firstState, succeededAfter);
        assertEquals(401, nodeBAtSuccess, "when the Operation reads SUCCESS, node B already refuses the token");
    }

    @Test
    @Order(5)
    void deleteOperationCompletesWithoutANodeThatDied() throws Exception {
        ManagementClient.Token token = tokenCachedOnBothNodes("deleted-after-b-died");
        ProcessHandle b = ProcessHandle.of(nodeB.pid()).orElseThrow();
        b.destroyForcibly(); // SIGKILL: no shutdown hook, node B never signs off from the registry
        b.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(nodeB.isAlive(), "node B is gone");

        HttpResponse<String> deleted = operatorOnA.send("DELETE", "/dbaas/logs/" + SERVICE + "/token/" + token.id(), null);
        long deletedAt = System.nanoTime();
        assertEquals(200, deleted.statusCode(), () -> "DELETE on node A: " + deleted.body());
        assertEquals(401, search(nodeA, basic(token.value(), "token")).statusCode(), "node A refuses the token at once");
        JsonNode operation = json(deleted);

        long succeededAfter = awaitSuccess(operation.path("operationId").asText(), deletedAt, DEAD_NODE_DEADLINE);
        System.out.printf("CLUSTER revocation completed without the dead node after %d ms (DELETE answered %s, node timeout %d s)%n",
                succeededAfter, operation.path("state").asText(), NODE_TIMEOUT.toSeconds());
    }

    // ---------------------------------------------------------------- helpers

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A new token, used once on each node, so both have it in their credential cache. */
    private static ManagementClient.Token tokenCachedOnBothNodes(String name) {
        ManagementClient.Token token = operatorOnA.createToken(SERVICE, name);
        SecretsInLogs.remember(token.value());
        assertFinds(nodeA, basic(token.value(), "token"));
        assertFinds(nodeB, basic(token.value(), "token"));
        assertFinds(nodeB, basic(token.value(), "token")); // this one from B's cache
        return token;
    }

    private static HttpResponse<String> search(GatewayProcess node, String authorization) {
        return Http.get(node.searchPort(), "/" + INDEX + "/_search?q=" + MARKER, authorization);
    }

    private static void assertFinds(GatewayProcess node, String authorization) {
        HttpResponse<String> response = search(node, authorization);
        assertEquals(200, response.statusCode(), () -> "search through " + node.output().getFileName() + ": " + response.body());
        assertTrue(response.body().contains(MARKER), () -> "the document is in the answer: " + response.body());
    }

    /** Searches until the node answers {@code status}; returns the milliseconds since {@code since} (a nanoTime). */
    private static long awaitStatus(GatewayProcess node, String authorization, int status, Duration deadline, long since) {
        int last;
        do {
            last = search(node, authorization).statusCode();
            if (last == status) {
                return millisSince(since);
            }
            pause();
        } while (millisSince(since) <= deadline.toMillis());
        throw new AssertionError(node.output().getFileName() + " still answers " + last + ", not " + status + ", "
                + deadline.toMillis() + " ms later");
    }

    /** Polls the Operation on node A until {@code SUCCESS}; returns the milliseconds since {@code since} (a nanoTime). */
    private static long awaitSuccess(String operationId, long since, Duration deadline) {
        String state;
        do {
            state = json(operatorOnA.send("GET", "/dbaas/logs/" + SERVICE + "/operation/" + operationId, null)).path("state").asText();
            if (state.equals("SUCCESS")) {
                return millisSince(since);
            }
            pause();
        } while (millisSince(since) <= deadline.toMillis());
        throw new AssertionError("the deletion's Operation is still " + state + " " + deadline.toMillis() + " ms after DELETE");
    }

    /** The body of a 200 answer. Never quotes the body on failure: it may hold a token value. */
    private static JsonNode json(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), () -> response.request().method() + " " + response.uri().getPath());
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    private static void pause() {
        try {
            Thread.sleep(PROBE_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
