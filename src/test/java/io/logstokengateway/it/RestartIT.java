package io.logstokengateway.it;

import io.logstokengateway.e2e.Http;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged gateway on its embedded H2 registry, stopped and started again on the same data dir: tokens, their
 * deletion and the service's account survive the restart, and what lies on disk gives no token away. With
 * {@code -Dit.registry=postgresql}, the same restart on a PostgreSQL registry (the checks of the H2 file are skipped).
 */
class RestartIT {

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final String SERVICE = "ldp-it-00001";
    private static final String USER = "logs-it-00001";
    private static final String PASSWORD = SecretsInLogs.remember("Restart-Horse-Battery-" + UUID.randomUUID());
    private static final String INDEX = USER + "-i-x";
    private static final String MARKER = "survives-the-restart";

    private static final List<Path> outputs = new ArrayList<>();
    private static GraylogEmulator graylog;
    private static Path dataDir;
    private static GatewayProcess restarted;
    private static ManagementClient.Token kept;
    private static ManagementClient.Token deleted;

    @BeforeAll
    static void createTokensDeleteOneAndRestart() throws IOException {
        graylog = GraylogEmulator.start();
        dataDir = Path.of("target", "it-data", "restart-" + System.currentTimeMillis()).toAbsolutePath();
        OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"" + MARKER + "\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");

        GatewayProcess first = start("restart-first");
        try {
            ManagementClient api = ManagementClient.asOperator(first, ADMIN_KEY);
            api.provision(SERVICE, USER, PASSWORD);
            kept = api.createToken(SERVICE, "kept");
            deleted = api.createToken(SERVICE, "deleted");
            SecretsInLogs.remember(kept.value());
            SecretsInLogs.remember(deleted.value());
            assertFinds(first, basic(kept.value(), "token"));
            assertFinds(first, basic(deleted.value(), "token"));
            api.deleteToken(SERVICE, deleted.id());
            assertEquals(401, search(first, basic(deleted.value(), "token")).statusCode(), "deleted token before the restart");
        } finally {
            first.stop();
        }
        int code = first.exitValue();
        assertTrue(code == 0 || code == 143, () -> "exit code " + code + " after SIGTERM; last lines:\n" + first.tail(30));

        restarted = start("restart-second");
    }

    @AfterAll
    static void stopAndCheckTheOutputsForSecrets() throws IOException {
        if (restarted != null) {
            restarted.stop();
        }
        if (graylog != null) {
            graylog.close();
        }
        for (Path output : outputs) {
            SecretsInLogs.assertNoneIn(output);
        }
    }

    private static GatewayProcess start(String name) {
        GatewayProcess gateway = GatewayProcess.builder(name)
                .adminKey(ADMIN_KEY)
                .dataDir(dataDir)
                .elasticsearchUpstream(OpenSearchServer.get().uri())
                .graylogUpstream(graylog.uri())
                .start();
        outputs.add(gateway.output());
        return gateway;
    }

    @Test
    void keptTokenStillSearchesAfterTheRestart() {
        assertFinds(restarted, basic(kept.value(), "token"));
        assertFinds(restarted, "Bearer " + kept.value());
    }

    @Test
    void deletedTokenIsStillRefusedAfterTheRestart() {
        HttpResponse<String> response = search(restarted, basic(deleted.value(), "token"));
        assertEquals(401, response.statusCode());
        assertEquals(401, search(restarted, "Bearer " + deleted.value()).statusCode());
    }

    @Test
    void accountCredentialsStillWorkAfterTheRestart() {
        assertFinds(restarted, basic(USER, PASSWORD));
        List<String> visible = new ManagementClient(restarted, basic(USER, PASSWORD)).tokenIds(SERVICE);
        assertEquals(List.of(kept.id()), visible);
    }

    @Test
    void tokenApiListsExactlyTheKeptTokenAfterTheRestart() {
        assertEquals(List.of(kept.id()), ManagementClient.asOperator(restarted, ADMIN_KEY).tokenIds(SERVICE));
        assertEquals(404, ManagementClient.asOperator(restarted, ADMIN_KEY)
                .send("GET", "/dbaas/logs/" + SERVICE + "/token/" + deleted.id(), null).statusCode());
    }

    @Test
    void secretKeyFileIsReadableByItsOwnerOnly() throws IOException {
        assumeTrue(GatewayProcess.embeddedRegistry(), "-Dit.registry=postgresql: the secrets key is given, no file is generated");
        Path key = dataDir.resolve("secret.key");
        assertTrue(Files.isRegularFile(key), key + " exists");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void registryDatabaseHoldsNoTokenValueOrPasswordInClear() throws IOException {
        assumeTrue(GatewayProcess.embeddedRegistry(), "-Dit.registry=postgresql: no registry file in the data dir");
        Path registry = dataDir.resolve("registry.mv.db");
        assertTrue(Files.isRegularFile(registry), registry + " exists");
        List<Path> files;
        try (Stream<Path> all = Files.list(dataDir)) {
            files = all.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().equals("secret.key")).toList();
        }
        for (Path file : files) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1); // one char per byte
            assertFalse(bytes.contains(kept.value()), "the kept token's value is in clear in " + file.getFileName());
            assertFalse(bytes.contains(deleted.value()), "the deleted token's value is in clear in " + file.getFileName());
            assertFalse(bytes.contains(PASSWORD), "the account password is in clear in " + file.getFileName());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static HttpResponse<String> search(GatewayProcess gateway, String authorization) {
        return Http.get(gateway.searchPort(), "/" + INDEX + "/_search?q=" + MARKER, authorization);
    }

    private static void assertFinds(GatewayProcess gateway, String authorization) {
        HttpResponse<String> response = search(gateway, authorization);
        assertEquals(200, response.statusCode(), () -> "search through the gateway: " + response.body());
        assertTrue(response.body().contains(MARKER), () -> "the document is in the answer: " + response.body());
    }
}
