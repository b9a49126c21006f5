package io.logstokengateway.e2e;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** The gateway's management API as a test drives it: provision a service, mint a token the way OVHcloud clients do. */
public final class Gateway {

    /** The {@code %test} profile's {@code gateway.admin.key}: 32 random bytes in hex, as the gateway requires. */
    public static final String ADMIN_KEY = "ca5acc946897a0d1e1ee523710b19945686add9f44e2a64b008210db25f3d9f0";

    private Gateway() {
    }

    public static RequestSpecification asOperator() {
        return RestAssured.given().header("Authorization", "Bearer " + ADMIN_KEY).contentType(ContentType.JSON);
    }

    public static void provision(String serviceName, String username, String password, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.put("serviceName", serviceName);
        body.put("username", username);
        body.put("password", password);
        asOperator().body(body).post("/admin/services").then().statusCode(201);
    }

    /** Creates a token, polls its operation until SUCCESS, and returns {tokenId, value}. */
    public static String[] createToken(String serviceName, String name) {
        String operationId = asOperator().body(Map.of("name", name))
                .post("/dbaas/logs/{s}/token", serviceName).then().statusCode(200).extract().path("operationId");
        String[] tokenId = new String[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var operation = asOperator().get("/dbaas/logs/{s}/operation/{o}", serviceName, operationId).then().statusCode(200).extract();
            tokenId[0] = operation.path("tokenId");
            return "SUCCESS".equals(operation.path("state"));
        });
        String value = asOperator().get("/dbaas/logs/{s}/token/{t}", serviceName, tokenId[0]).then().statusCode(200).extract().path("value");
        SecretsInLogs.remember(value);
        return new String[] {tokenId[0], value};
    }

    public static void deleteToken(String serviceName, String tokenId) {
        String operationId = asOperator().delete("/dbaas/logs/{s}/token/{t}", serviceName, tokenId)
                .then().statusCode(200).extract().path("operationId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCESS".equals(
                asOperator().get("/dbaas/logs/{s}/operation/{o}", serviceName, operationId).then().extract().path("state")));
    }
}
