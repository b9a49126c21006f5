package io.logstokengateway.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token API and the admin API over HTTP, as scripts and the OVHcloud Terraform provider use them. */
@QuarkusTest
@TestProfile(TokenApiTest.Profile.class)
class TokenApiTest {

    static final String OPERATOR_KEY = "38a36ec48a5d9811b80cba1956183119c0abd6dc79f575a95f41c2194a2388da";
    static final String ISO_DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})";
    private static final AtomicInteger SERVICES = new AtomicInteger();

    /** Fresh embedded registry, proxies on random ports towards nothing (this test never forwards). */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.elasticsearch.upstream", "http://127.0.0.1:1",
                    "gateway.graylog.upstream", "http://127.0.0.1:1",
                    "gateway.elasticsearch.port", "0",
                    "gateway.graylog.port", "0",
                    "gateway.admin.key", OPERATOR_KEY,
                    "gateway.data-dir", "./target/test-data/api-" + UUID.randomUUID(),
                    "gateway.public-url.graylog-api", "https://graylog.logs.example.com/api",
                    "gateway.public-url.elasticsearch-api", "https://search.logs.example.com:9200");
        }
    }

    /** A provisioned service and its account. */
    record Service(String name, String username, String password) {
        RequestSpecification account() {
            return given().header("Authorization", basic(username, password));
        }
    }

    // ---- admin API ------------------------------------------------------------------------------------------

    @Test
    void provisioningAnswers201WithTheServiceButNoSecret() {
        String name = "ldp-prov-" + SERVICES.incrementAndGet();
        String body = """
                {"serviceName": "%s", "username": "logs-%s", "password": "account-secret-123",
                 "displayName": "Provisioning test",
                 "elasticsearch": {"username": "es-user", "password": "es-secret-456", "readPatterns": ["logs-%s-a-*"]},
                 "graylog": {"token": "graylog-secret-789"}}""".formatted(name, name, name);
        Response created = operator().contentType(ContentType.JSON).body(body).post("/admin/services");

        created.then().statusCode(201)
                .header("Location", containsString("/admin/services/" + name))
                .body("serviceName", equalTo(name))
                .body("username", equalTo("logs-" + name))
                .body("state", equalTo("ENABLED"))
                .body("passwordSet", equalTo(true))
                .body("elasticsearch.username", equalTo("es-user"))
                .body("elasticsearch.passwordSet", equalTo(true))
                .body("elasticsearch.readPatterns", contains("logs-" + name + "-a-*"))
                .body("elasticsearch.writePatterns", contains("logs-" + name + "-i-*"))
                .body("graylog.tokenSet", equalTo(true))
                .body("graylog.passwordSet", equalTo(false))
                .body("createdAt", matchesPattern(ISO_DATE_TIME));
        String text = created.asString();
        for (String secret : List.of("account-secret-123", "es-secret-456", "graylog-secret-789", "$argon2", "hash")) {
            assertFalse(text.contains(secret), "the answer must not contain " + secret);
        }
        operator().get("/admin/services/" + name).then().statusCode(200).body("graylog.tokenSet", equalTo(true));
        operator().get("/admin/services").then().statusCode(200).body("serviceName", hasItem(name));
    }

    @Test
    void provisioningTheSameServiceTwiceIs409() {
        Service service = provision();
        String body = """
                {"serviceName": "%s", "username": "other-%s"}""".formatted(service.name(), service.name());
        assertError(operator().contentType(ContentType.JSON).body(body).post("/admin/services"), 409, "Client::Conflict");
    }

    @Test
    void adminApiRefusesAServiceAccountWith403() {
        Service service = provision();
        assertError(service.account().get("/admin/services"), 403, "Client::Forbidden");
    }

    @Test
    void adminApiRefusesMissingCredentialsWith401AndABasicChallenge() {
        assertError(given().get("/admin/services"), 401, "Client::Unauthorized")
                .then().header("WWW-Authenticate", "Basic realm=\"logs-token-gateway\"");
    }

    @Test
    void adminApiRefusesAWrongOperatorKeyWith401() {
        assertError(given().header("Authorization", "Bearer " + OPERATOR_KEY + "x").get("/admin/services"), 401, "Client::Unauthorized");
        assertError(given().header("Authorization", "Bearer " + OPERATOR_KEY.substring(1)).get("/admin/services"), 401, "Client::Unauthorized");
        // The operator key is a Bearer credential only.
        assertError(given().header("Authorization", basic("token", OPERATOR_KEY)).get("/admin/services"), 401, "Client::Unauthorized");
    }

    @Test
    void deletingAServiceAnswers204AndItIsGone() {
        Service service = provision();
        operator().delete("/admin/services/" + service.name()).then().statusCode(204);
        assertError(operator().get("/admin/services/" + service.name()), 404, "Client::NotFound");
        assertError(service.account().get("/dbaas/logs/" + service.name()), 401, "Client::Unauthorized");
    }

    @Test
    void disablingAServiceRefusesItsAccountAtOnceDespiteTheCache() {
        Service service = provision();
        service.account().get("/dbaas/logs/" + service.name()).then().statusCode(200); // now cached
        operator().contentType(ContentType.JSON).body("{\"state\": \"DISABLED\"}")
                .patch("/admin/services/" + service.name())
                .then().statusCode(200).body("state", equalTo("DISABLED"));
        assertError(service.account().get("/dbaas/logs/" + service.name()), 401, "Client::Unauthorized");
    }

    @Test
    void patchWithAnUnknownStateIs400() {
        Service service = provision();
        Response answer = operator().contentType(ContentType.JSON).body("{\"state\": \"PAUSED\"}").patch("/admin/services/" + service.name());
        assertError(answer, 400, "Client::BadRequest").then().body("message", equalTo("state must be one of ENABLED, DISABLED"));
    }

    // ---- token API: reading ---------------------------------------------------------------------------------

    @Test
    void anAccountSeesOnlyItsOwnServiceAndTheOperatorSeesThemAll() {
        Service a = provision();
        Service b = provision();
        a.account().get("/dbaas/logs").then().statusCode(200).body("$", contains(a.name()));
        operator().get("/dbaas/logs").then().statusCode(200).body("$", hasItem(a.name())).body("$", hasItem(b.name()));
    }

    @Test
    void serviceDescriptionHasTheOvhFields() {
        Service service = provision();
        service.account().get("/dbaas/logs/" + service.name()).then().statusCode(200)
                .body("serviceName", equalTo(service.name()))
                .body("username", equalTo(service.username()))
                .body("$", hasKey("displayName"))
                .body("state", equalTo("ENABLED"))
                .body("createdAt", matchesPattern(ISO_DATE_TIME))
                .body("updatedAt", matchesPattern(ISO_DATE_TIME));
    }

    @Test
    void urlListsTheConfiguredPublicAddressesOnly() {
        Service service = provision();
        service.account().get("/dbaas/logs/" + service.name() + "/url").then().statusCode(200)
                .body("type", containsInAnyOrder("GRAYLOG_API", "ELASTICSEARCH_API"))
                .body("find { it.type == 'GRAYLOG_API' }.address", equalTo("https://graylog.logs.example.com/api"))
                .body("find { it.type == 'ELASTICSEARCH_API' }.address", equalTo("https://search.logs.example.com:9200"));
    }

    // ---- token API: token life cycle ------------------------------------------------------------------------

    @Test
    void createdTokenIsReadBackWithItsValueAndIsoDates() {
        Service service = provision();
        Response operation = service.account().contentType(ContentType.JSON)
                .body("{\"name\": \"grafana\", \"clusterId\": \"cluster-1\"}")
                .post("/dbaas/logs/" + service.name() + "/token");
        operation.then().statusCode(200)
                .body("operationId", matchesPattern("[0-9a-f-]{36}"))
                .body("serviceName", equalTo(service.name()))
                .body("state", equalTo("SUCCESS"))
                .body("tokenId", notNullValue())
                .body("createdAt", matchesPattern(ISO_DATE_TIME))
                .body("updatedAt", matchesPattern(ISO_DATE_TIME));
        String tokenId = operation.path("tokenId");
        String operationId = operation.path("operationId");

        service.account().get("/dbaas/logs/" + service.name() + "/token/" + tokenId).then().statusCode(200)
                .header("Cache-Control", equalTo("no-store"))
                .body("tokenId", equalTo(tokenId))
                .body("name", equalTo("grafana"))
                .body("clusterId", equalTo("cluster-1"))
                .body("value", matchesPattern("[a-z2-7]{52}"))
                .body("createdAt", matchesPattern(ISO_DATE_TIME))
                .body("updatedAt", matchesPattern(ISO_DATE_TIME))
                .body("$", hasKey("expiresAt")).body("expiresAt", nullValue())
                .body("$", hasKey("lastUsedAt")).body("lastUsedAt", nullValue());
        service.account().get("/dbaas/logs/" + service.name() + "/token").then().statusCode(200).body("$", contains(tokenId));
        service.account().get("/dbaas/logs/" + service.name() + "/operation").then().statusCode(200).body("$", hasItem(operationId));
        service.account().get("/dbaas/logs/" + service.name() + "/operation/" + operationId).then().statusCode(200)
                .body("tokenId", equalTo(tokenId)).body("state", equalTo("SUCCESS"));
    }

    @Test
    void expiryIsKeptAsAnIsoDateTime() {
        Service service = provision();
        String tokenId = createToken(service, "{\"name\": \"ci\", \"expiresAt\": \"2099-01-31T12:00:00+02:00\"}");
        service.account().get("/dbaas/logs/" + service.name() + "/token/" + tokenId).then().statusCode(200)
                .body("expiresAt", matchesPattern(ISO_DATE_TIME))
                .body("expiresAt", equalTo("2099-01-31T10:00:00Z"));
    }

    @Test
    void deletedTokenOperationReachesSuccessAndTheTokenIsGone() {
        Service service = provision();
        String tokenId = createToken(service, "{\"name\": \"short-lived\"}");
        Response deletion = service.account().delete("/dbaas/logs/" + service.name() + "/token/" + tokenId);
        deletion.then().statusCode(200).body("tokenId", equalTo(tokenId));
        String operationId = deletion.path("operationId");

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                "SUCCESS".equals(service.account().get("/dbaas/logs/" + service.name() + "/operation/" + operationId).path("state")));
        assertError(service.account().get("/dbaas/logs/" + service.name() + "/token/" + tokenId), 404, "Client::NotFound");
        service.account().get("/dbaas/logs/" + service.name() + "/token").then().statusCode(200).body("$", empty());
        assertError(service.account().delete("/dbaas/logs/" + service.name() + "/token/" + tokenId), 404, "Client::NotFound");
    }

    @Test
    void apiTokenIsRefusedOnTheManagementApiInEveryForm() {
        Service service = provision();
        String value = service.account().get("/dbaas/logs/" + service.name() + "/token/" + createToken(service, "{\"name\": \"leaked\"}"))
                .path("value");
        for (String authorization : List.of(basic(value, "token"), basic("token", value), basic(value, "TOKEN"), "Bearer " + value)) {
            assertError(given().header("Authorization", authorization).get("/dbaas/logs/" + service.name() + "/token"), 401, "Client::Unauthorized")
                    .then().header("WWW-Authenticate", "Basic realm=\"logs-token-gateway\"");
            assertError(given().header("Authorization", authorization).contentType(ContentType.JSON).body("{\"name\": \"more\"}")
                    .post("/dbaas/logs/" + service.name() + "/token"), 401, "Client::Unauthorized");
        }
    }

    @Test
    void wrongAccountPasswordIs401() {
        Service service = provision();
        assertError(given().header("Authorization", basic(service.username(), service.password() + "x"))
                .get("/dbaas/logs/" + service.name()), 401, "Client::Unauthorized");
    }

    @Test
    void anotherServiceIsAnsweredAsIfItDidNotExist() {
        Service a = provision();
        Service b = provision();
        createToken(a, "{\"name\": \"a-only\"}");
        Response foreign = b.account().get("/dbaas/logs/" + a.name() + "/token");
        Response missing = b.account().get("/dbaas/logs/ldp-does-not-exist/token");
        assertError(foreign, 404, "Client::NotFound").then().body("message", equalTo("service " + a.name() + " does not exist"));
        assertError(missing, 404, "Client::NotFound").then().body("message", equalTo("service ldp-does-not-exist does not exist"));
        assertError(b.account().contentType(ContentType.JSON).body("{\"name\": \"x\"}").post("/dbaas/logs/" + a.name() + "/token"),
                404, "Client::NotFound");
    }

    @Test
    void operatorManagesTokensOfAnyService() {
        Service service = provision();
        Response operation = operator().contentType(ContentType.JSON).body("{\"name\": \"by-operator\"}")
                .post("/dbaas/logs/" + service.name() + "/token");
        operation.then().statusCode(200).body("state", equalTo("SUCCESS"));
        service.account().get("/dbaas/logs/" + service.name() + "/token").then().statusCode(200)
                .body("$", contains((String) operation.path("tokenId")));
    }

    // ---- token API: bodies ----------------------------------------------------------------------------------

    @Test
    void malformedJsonIs400() {
        Service service = provision();
        assertError(postToken(service, "{\"name\": \"unfinished"), 400, "Client::BadRequest")
                .then().body("message", containsString("not valid JSON"));
    }

    @Test
    void missingBodyIs400() {
        Service service = provision();
        assertError(service.account().contentType(ContentType.JSON).post("/dbaas/logs/" + service.name() + "/token"), 400, "Client::BadRequest")
                .then().body("message", equalTo("A JSON object body is required"));
        assertError(service.account().contentType(ContentType.JSON).body("null").post("/dbaas/logs/" + service.name() + "/token"),
                400, "Client::BadRequest");
    }

    @Test
    void bodyThatIsNotJsonIs415() {
        Service service = provision();
        assertError(service.account().contentType(ContentType.TEXT).body("name=x").post("/dbaas/logs/" + service.name() + "/token"),
                415, "Client::UnsupportedMediaType");
    }

    @Test
    void bodyThatIsNotAnObjectIs400() {
        Service service = provision();
        assertError(postToken(service, "[\"grafana\"]"), 400, "Client::BadRequest")
                .then().body("message", equalTo("The body must be a JSON object"));
    }

    @Test
    void missingNameIs400() {
        Service service = provision();
        assertError(postToken(service, "{}"), 400, "Client::BadRequest").then().body("message", containsString("name"));
    }

    @Test
    void nameOf129CharactersIs400() {
        Service service = provision();
        assertError(postToken(service, "{\"name\": \"" + "n".repeat(129) + "\"}"), 400, "Client::BadRequest");
        postToken(service, "{\"name\": \"" + "n".repeat(128) + "\"}").then().statusCode(200);
    }

    @Test
    void nameAsANumberIs400NotCoerced() {
        Service service = provision();
        assertError(postToken(service, "{\"name\": 5}"), 400, "Client::BadRequest").then().body("message", equalTo("name must be a string"));
        assertError(postToken(service, "{\"name\": true}"), 400, "Client::BadRequest").then().body("message", equalTo("name must be a string"));
        service.account().get("/dbaas/logs/" + service.name() + "/token").then().body("$", empty());
    }

    @Test
    void expiresAtInThePastIs400() {
        Service service = provision();
        String past = Instant.now().minusSeconds(60).toString();
        assertError(postToken(service, "{\"name\": \"old\", \"expiresAt\": \"" + past + "\"}"), 400, "Client::BadRequest")
                .then().body("message", containsString("expiresAt"));
    }

    @Test
    void expiresAtWithoutOffsetOrAsNumberIs400() {
        Service service = provision();
        assertError(postToken(service, "{\"name\": \"x\", \"expiresAt\": \"2099-01-31T12:00:00\"}"), 400, "Client::BadRequest")
                .then().body("message", containsString("expiresAt must be an ISO-8601 date-time with offset"));
        assertError(postToken(service, "{\"name\": \"x\", \"expiresAt\": 4102444800}"), 400, "Client::BadRequest")
                .then().body("message", equalTo("expiresAt must be a string"));
    }

    @Test
    void unknownFieldIs400() {
        Service service = provision();
        assertError(postToken(service, "{\"name\": \"x\", \"nmae\": \"y\"}"), 400, "Client::BadRequest")
                .then().body("message", containsString("nmae"));
    }

    @Test
    void duplicatedFieldIs400() {
        Service service = provision();
        assertError(postToken(service, "{\"name\": \"x\", \"name\": \"y\"}"), 400, "Client::BadRequest");
    }

    // ---- token API: password ----------------------------------------------------------------------------------

    @Test
    void changedPasswordReplacesTheOldOneAtOnce() {
        Service service = provision();
        service.account().get("/dbaas/logs/" + service.name()).then().statusCode(200); // the old password is now cached
        service.account().contentType(ContentType.JSON).body("{\"password\": \"brand-new-password-42\"}")
                .post("/dbaas/logs/" + service.name() + "/user/changePassword")
                .then().statusCode(200).body("state", equalTo("SUCCESS")).body("serviceName", equalTo(service.name()));

        assertError(service.account().get("/dbaas/logs/" + service.name()), 401, "Client::Unauthorized");
        given().header("Authorization", basic(service.username(), "brand-new-password-42"))
                .get("/dbaas/logs/" + service.name()).then().statusCode(200);
    }

    @Test
    void tooShortNewPasswordIs400AndIsNotEchoed() {
        Service service = provision();
        Response answer = service.account().contentType(ContentType.JSON).body("{\"password\": \"short-pw\"}")
                .post("/dbaas/logs/" + service.name() + "/user/changePassword");
        assertError(answer, 400, "Client::BadRequest");
        assertFalse(answer.asString().contains("short-pw"));
    }

    // ---- framework answers in the same dialect ----------------------------------------------------------------

    @Test
    void unknownPathUnderDbaasLogsIs404InTheApiDialect() {
        Service service = provision();
        assertError(service.account().get("/dbaas/logs/" + service.name() + "/token/a/b/c"), 404, "Client::NotFound");
        assertError(service.account().get("/dbaas/logs/" + service.name() + "/nothing-here"), 404, "Client::NotFound");
    }

    @Test
    void wrongMethodIs405InTheApiDialect() {
        Service service = provision();
        assertError(service.account().put("/dbaas/logs/" + service.name() + "/token"), 405, "Client::MethodNotAllowed");
    }

    @Test
    void openApiDocumentsTheCalls() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/dbaas/logs/{serviceName}/token/{tokenId}"))
                .body(containsString("/admin/services"));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Service provision() {
        String name = "ldp-api-" + SERVICES.incrementAndGet();
        Service service = new Service(name, "logs-" + name, "password-of-" + name);
        operator().contentType(ContentType.JSON)
                .body(Map.of("serviceName", service.name(), "username", service.username(), "password", service.password()))
                .post("/admin/services")
                .then().statusCode(201);
        return service;
    }

    /**
     * Every operation the OpenAPI document lists, called without credentials, with a wrong operator key and with
     * another service's account, is refused before it runs: whatever an operation forgets, {@link Access} does not.
     */
    @Test
    void everyDocumentedOperationIsRefusedWithoutTheRightCredentials() throws Exception {
        Service other = provision();
        String victim = provision().name();
        JsonNode paths = new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString()).path("paths");
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String target = path.getKey().replace("{serviceName}", victim).replaceAll("\\{[^}]+}", "x");
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase(Locale.ROOT);
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                operations++;
                String operation = method + " " + target;
                assertError(given().contentType(ContentType.JSON).body("{}").request(method, target), 401, "Client::Unauthorized");
                assertError(given().header("Authorization", "Bearer " + "0".repeat(64)).contentType(ContentType.JSON).body("{}")
                        .request(method, target), 401, "Client::Unauthorized");
                int asOtherService = other.account().contentType(ContentType.JSON).body("{}").request(method, target).statusCode();
                boolean listing = target.equals("/dbaas/logs");
                assertTrue(listing ? asOtherService == 200 : asOtherService == 403 || asOtherService == 404,
                        operation + " as another service's account answered " + asOtherService);
            }
        }
        assertTrue(operations >= 15, "the document lists the API: " + operations + " operations");
    }

    private static String createToken(Service service, String body) {
        Response operation = postToken(service, body);
        operation.then().statusCode(200).body("state", equalTo("SUCCESS"));
        return operation.path("tokenId");
    }

    private static Response postToken(Service service, String body) {
        return service.account().contentType(ContentType.JSON).body(body).post("/dbaas/logs/" + service.name() + "/token");
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", "Bearer " + OPERATOR_KEY);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Every error of the API: the status, the OVHcloud class and a message. */
    private static Response assertError(Response response, int status, String errorClass) {
        response.then().statusCode(status)
                .contentType(ContentType.JSON)
                .body("class", equalTo(errorClass))
                .body("message", notNullValue());
        assertEquals(2, response.jsonPath().getMap("$").size(), "an error has exactly class and message");
        return response;
    }
}
