package io.logstokengateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's management API as an operator's script drives it, over {@code java.net.http}: provision a service
 * (admin API), mint a token the OVHcloud way (operation polled until {@code SUCCESS}), read and delete tokens. The one
 * client the tests, the demo and the benchmark provision with. Token values are returned, never logged; a failure
 * message never quotes an answer that may hold one.
 */
public final class ManagementClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(15);

    /** A token as the API returns it. */
    public record Token(String id, String value) {
        @Override
        public String toString() {
            return "Token[id=" + id + ", value=(hidden)]";
        }
    }

    private final HttpClient http;
    private final URI management;
    private final String authorization;

    /** Calls to {@code management} (e.g. {@code http://127.0.0.1:8080}) made with {@code Authorization: <authorization>}. */
    public ManagementClient(URI management, String authorization) {
        this(management, authorization, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    private ManagementClient(URI management, String authorization, HttpClient http) {
        this.management = management;
        this.authorization = authorization;
        this.http = http;
    }

    /** The same calls through {@code client} (e.g. one trusting the CA of an {@code https} management listener). */
    public ManagementClient using(HttpClient client) {
        return new ManagementClient(management, authorization, client);
    }

    public ManagementClient(GatewayProcess gateway, String authorization) {
        this(gateway.management(""), authorization);
    }

    /** As the operator: {@code Authorization: Bearer <admin key>}. */
    public static ManagementClient asOperator(URI management, String adminKey) {
        return new ManagementClient(management, "Bearer " + adminKey);
    }

    public static ManagementClient asOperator(GatewayProcess gateway, String adminKey) {
        return asOperator(gateway.management(""), adminKey);
    }

    public void provision(String serviceName, String username, String password) {
        provision(serviceName, username, password, Map.of());
    }

    /**
     * {@code POST /admin/services}; {@code extra} holds the other fields of the admin API ({@code graylog},
     * {@code elasticsearch}, {@code displayName}).
     */
    public void provision(String serviceName, String username, String password, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("serviceName", serviceName);
        body.put("username", username);
        body.put("password", password);
        HttpResponse<String> created = send("POST", "/admin/services", body);
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /admin/services answered " + created.statusCode() + ": " + created.body());
        }
    }

    /** {@code PATCH /admin/services/{serviceName}} with the fields to change (same names as {@link #provision}). */
    public void update(String serviceName, Map<String, Object> fields) {
        HttpResponse<String> updated = send("PATCH", "/admin/services/" + serviceName, fields);
        if (updated.statusCode() != 200) {
            throw new IllegalStateException("PATCH /admin/services/" + serviceName + " answered " + updated.statusCode() + ": " + updated.body());
        }
    }

    /** {@code true} if the service exists (as the caller may see it). */
    public boolean serviceExists(String serviceName) {
        return send("GET", "/dbaas/logs/" + serviceName, null).statusCode() == 200;
    }

    public Token createToken(String serviceName, String name) {
        String operationId = expect200("POST", "/dbaas/logs/" + serviceName + "/token", Map.of("name", name)).path("operationId").asText();
        String tokenId = awaitSuccess(serviceName, operationId).path("tokenId").asText();
        String value = expect200("GET", "/dbaas/logs/" + serviceName + "/token/" + tokenId, null).path("value").asText();
        return new Token(tokenId, value);
    }

    public void deleteToken(String serviceName, String tokenId) {
        String operationId = expect200("DELETE", "/dbaas/logs/" + serviceName + "/token/" + tokenId, null).path("operationId").asText();
        awaitSuccess(serviceName, operationId);
    }

    public List<String> tokenIds(String serviceName) {
        List<String> ids = new ArrayList<>();
        expect200("GET", "/dbaas/logs/" + serviceName + "/token", null).forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** Any call, answered whatever its status. */
    public HttpResponse<String> send(String method, String path, Object jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(management.resolve(path)).timeout(Duration.ofSeconds(30))
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
        if (response.statusCode() != 200) {
            // The body may hold a token value: never quote it.
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode());
        }
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
        throw new IllegalStateException("operation " + operationId + " still " + operation.path("state").asText() + " after "
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
