package io.logstokengateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.SecretsInLogs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The management API of a {@link GatewayProcess} as an operator's script drives it, over {@code java.net.http}:
 * provision a service, mint a token the OVHcloud way (operation polled until {@code SUCCESS}), delete one. Every token
 * value it reads is remembered by {@link SecretsInLogs}.
 */
final class ManagementClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(15);

    /** A token as the API returns it. */
    record Token(String id, String value) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final GatewayProcess gateway;
    private final String authorization;

    /** Calls made with {@code Authorization: <authorization>}, e.g. {@code Bearer <admin key>}. */
    ManagementClient(GatewayProcess gateway, String authorization) {
        this.gateway = gateway;
        this.authorization = authorization;
    }

    static ManagementClient asOperator(GatewayProcess gateway, String adminKey) {
        return new ManagementClient(gateway, "Bearer " + adminKey);
    }

    void provision(String serviceName, String username, String password) {
        HttpResponse<String> created = send("POST", "/admin/services",
                Map.of("serviceName", serviceName, "username", username, "password", password));
        assertEquals(201, created.statusCode(), () -> "POST /admin/services: " + created.body());
    }

    Token createToken(String serviceName, String name) {
        String operationId = expect200("POST", "/dbaas/logs/" + serviceName + "/token", Map.of("name", name)).path("operationId").asText();
        String tokenId = awaitSuccess(serviceName, operationId).path("tokenId").asText();
        String value = expect200("GET", "/dbaas/logs/" + serviceName + "/token/" + tokenId, null).path("value").asText();
        SecretsInLogs.remember(value);
        return new Token(tokenId, value);
    }

    void deleteToken(String serviceName, String tokenId) {
        String operationId = expect200("DELETE", "/dbaas/logs/" + serviceName + "/token/" + tokenId, null).path("operationId").asText();
        awaitSuccess(serviceName, operationId);
    }

    List<String> tokenIds(String serviceName) {
        List<String> ids = new ArrayList<>();
        expect200("GET", "/dbaas/logs/" + serviceName + "/token", null).forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** Any call, answered whatever its status. */
    HttpResponse<String> send(String method, String path, Object jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.management(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization);
        try {
            if (jsonBody == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(jsonBody)));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode expect200(String method, String path, Object jsonBody) {
        HttpResponse<String> response = send(method, path, jsonBody);
        // The body may hold a token value: never quote it in the failure message.
        assertEquals(200, response.statusCode(), () -> method + " " + path + " answered " + response.statusCode());
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode awaitSuccess(String serviceName, String operationId) {
        long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos();
        String path = "/dbaas/logs/" + serviceName + "/operation/" + operationId;
        JsonNode operation;
        do {
            operation = expect200("GET", path, null);
            if ("SUCCESS".equals(operation.path("state").asText())) {
                return operation;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("operation " + operationId + " still " + operation.path("state").asText() + " after "
                + OPERATION_TIMEOUT.toSeconds() + " s");
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
