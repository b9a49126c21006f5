package io.logstokengateway.e2e;

import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.ManagementClient;
import io.quarkus.arc.Arc;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The management API of the gateway Quarkus runs for the tests, as the operator: provision a service, mint a token
 * the way OVHcloud clients do (through {@link ManagementClient}, as the demo and the benchmark do), or any call with
 * REST Assured. Every token value minted is remembered by {@link SecretsInLogs}.
 */
public final class Gateway {

    /** The {@code %test} profile's {@code gateway.admin.key}: 32 random bytes in hex, as the gateway requires. */
    public static final String ADMIN_KEY = "ca5acc946897a0d1e1ee523710b19945686add9f44e2a64b008210db25f3d9f0";

    private Gateway() {
    }

    public static RequestSpecification asOperator() {
        return RestAssured.given().header("Authorization", "Bearer " + ADMIN_KEY).contentType(ContentType.JSON);
    }

    public static void provision(String serviceName, String username, String password, Map<String, Object> extra) {
        operator().provision(serviceName, username, password, extra);
    }

    /** Creates a token, polls its operation until SUCCESS, and returns {tokenId, value}. */
    public static String[] createToken(String serviceName, String name) {
        ManagementClient.Token token = operator().createToken(serviceName, name);
        SecretsInLogs.remember(token.value());
        return new String[] {token.id(), token.value()};
    }

    /**
     * Waits until the gateway's view of the cluster's indices includes what the test just made directly on the cluster
     * (it would otherwise within {@code catalog-refresh}): wildcards then reach the new indices.
     */
    public static void catalogCaughtUp() {
        Arc.container().instance(ProxyListeners.class).get().readIndexCatalog().toCompletableFuture()
                .orTimeout(30, TimeUnit.SECONDS).join();
    }

    public static void deleteToken(String serviceName, String tokenId) {
        operator().deleteToken(serviceName, tokenId);
    }

    /** The management listener of the application under test (REST Assured knows its port). */
    private static ManagementClient operator() {
        return ManagementClient.asOperator(URI.create("http://localhost:" + RestAssured.port), ADMIN_KEY);
    }
}
