package io.logstokengateway.e2e;

import io.logstokengateway.proxy.ProxyListeners;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token limits the operator imposes (lifetime, count per service), and the audit trail of token changes. */
@QuarkusTest
@TestProfile(TokenLifecycleTest.Profile.class)
class TokenLifecycleTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.tokens.max-per-service", "3", "gateway.tokens.max-ttl", "1h");
        }
    }

    static final String SERVICE = "ldp-life-00001";
    static final String USER = "logs-life-00001";
    static final String PASSWORD = SecretsInLogs.remember("Lifecycle-Account-Pass-1");
    static boolean provisioned;

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void provisionOnce() {
        if (!provisioned) {
            Gateway.provision(SERVICE, USER, PASSWORD, Map.of());
            provisioned = true;
        }
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    @Test
    void aServiceCannotHoldMoreTokensThanTheLimit() {
        String service = "ldp-life-limit";
        Gateway.provision(service, "logs-life-limit", SecretsInLogs.remember("Lifecycle-Limit-Pass-1"), Map.of());
        String first = Gateway.createToken(service, "one")[0];
        Gateway.createToken(service, "two");
        Gateway.createToken(service, "three");
        Gateway.asOperator().body(Map.of("name", "one too many")).post("/dbaas/logs/{s}/token", service)
                .then().statusCode(409).body("class", equalTo("Client::Conflict")).body("message", containsString("3 tokens"));
        Gateway.deleteToken(service, first);
        Gateway.createToken(service, "in the freed place");
    }

    @Test
    void withoutExpiresAtATokenGetsTheLongestLifetime() {
        String tokenId = Gateway.createToken(SERVICE, "default lifetime")[0];
        String expiresAt = Gateway.asOperator().get("/dbaas/logs/{s}/token/{t}", SERVICE, tokenId).then().extract().path("expiresAt");
        Duration left = Duration.between(Instant.now(), Instant.parse(expiresAt));
        assertTrue(left.compareTo(Duration.ofMinutes(59)) > 0 && left.compareTo(Duration.ofHours(1)) <= 0, left.toString());
        Gateway.deleteToken(SERVICE, tokenId);
    }

    @Test
    void anExpiryBeyondTheLongestLifetimeIsRefused() {
        Gateway.asOperator().body(Map.of("name", "too long", "expiresAt", Instant.now().plus(Duration.ofHours(2)).toString()))
                .post("/dbaas/logs/{s}/token", SERVICE)
                .then().statusCode(400).body("message", containsString("longest token lifetime"));
    }

    @Test
    void aTokenIsRefusedFromTheSecondItExpires() throws Exception {
        Instant expiresAt = Instant.now().plusSeconds(2);
        String operationId = Gateway.asOperator().body(Map.of("name", "to the second", "expiresAt", expiresAt.toString()))
                .post("/dbaas/logs/{s}/token", SERVICE).then().statusCode(200).extract().path("operationId");
        String tokenId = Gateway.asOperator().get("/dbaas/logs/{s}/operation/{o}", SERVICE, operationId).then().extract().path("tokenId");
        String value = SecretsInLogs.remember(Gateway.asOperator().get("/dbaas/logs/{s}/token/{t}", SERVICE, tokenId)
                .then().extract().path("value"));
        assertEquals(200, Http.get(listeners.searchPort(), "/", basic(value, "token")).statusCode()); // cached from now on
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis() - 300));
        assertEquals(200, Http.get(listeners.searchPort(), "/", basic(value, "token")).statusCode());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis() + 1));
        assertEquals(401, Http.get(listeners.searchPort(), "/", basic(value, "token")).statusCode());
        Gateway.asOperator().delete("/dbaas/logs/{s}/token/{t}", SERVICE, tokenId);
    }

    @Test
    void tokenChangesAndRefusalsAreAuditedWithoutSecrets() throws Exception {
        String[] token = Gateway.createToken(SERVICE, "audited");
        Gateway.deleteToken(SERVICE, token[0]);
        Http.get(listeners.searchPort(), "/", basic("not-a-token", "token"));
        String log = Files.readString(SecretsInLogs.TEST_LOG);
        assertTrue(log.lines().anyMatch(line -> line.contains("\"event\":\"token.created\",\"actor\":\"operator\"")
                && line.contains("\"tokenId\":\"" + token[0] + "\"")), "token.created");
        assertTrue(log.lines().anyMatch(line -> line.contains("\"event\":\"token.deleted\"") && line.contains(token[0])), "token.deleted");
        assertTrue(log.contains("\"event\":\"auth.failed\""), "auth.failed");
        assertTrue(log.contains("\"event\":\"service.created\""), "service.created");
    }
}
