package io.logstokengateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogAvailability;
import io.logstokengateway.testsupport.GraylogServer;
import io.logstokengateway.testsupport.GraylogServerUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.logstokengateway.e2e.Http.basic;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Graylog listener in front of a real Graylog 6.1 (everything but search, which needs a storage plugin CI cannot
 * have: search answers are the emulator's, in {@link GraylogListenerTest}). Two services, each mapped to its own
 * Graylog user with its own stream, a third registered with a username and password, and a fourth whose registered
 * Graylog credentials are wrong; every request goes through the gateway with a gateway token, and what Graylog
 * answers is compared with what it answers that user directly.
 */
@QuarkusTest
@TestProfile(GraylogServerUpstream.class)
@ExtendWith(GraylogAvailability.class)
class RealGraylogListenerTest {

    static final String SERVICE_A = "ldp-rg-00001";
    static final String SERVICE_B = "ldp-rg-00002";
    static final String SERVICE_PASSWORD = "ldp-rg-00003";
    static final String SERVICE_WRONG = "ldp-rg-00004";
    static final String ACCOUNT_PASSWORD = SecretsInLogs.remember("Real-Graylog-Account-Pass-1");
    static final String GRAYLOG_PASSWORD = SecretsInLogs.remember("Graylog-User-Password-1");
    static final String CSRF_MISSING = "{\"type\":\"ApiError\",\"message\":\"CSRF protection header is missing. "
            + "Please add a \\\"X-Requested-By\\\" header to your request.\"}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient DIRECT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A Graylog user as the tests know it: its Graylog id and its own Graylog access token. */
    record GraylogUser(GraylogServer.User user, String graylogToken, String stream) {
        String name() {
            return user.username();
        }

        String id() {
            return user.id();
        }
    }

    static GraylogServer graylog;
    static GraylogUser userA;
    static GraylogUser userB;
    static GraylogUser userWithPassword;
    static String tokenA;
    static String tokenB;
    static String tokenPassword;
    static String tokenWrong;

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void provisionOnce() {
        if (tokenA != null) {
            return;
        }
        graylog = GraylogServer.get();
        userA = graylogUser("logs-rg-00001");
        userB = graylogUser("logs-rg-00002");
        userWithPassword = graylogUser("logs-rg-00003");
        Gateway.provision(SERVICE_A, "logs-rg-00001", ACCOUNT_PASSWORD, Map.of("graylog", Map.of("token", userA.graylogToken())));
        Gateway.provision(SERVICE_B, "logs-rg-00002", ACCOUNT_PASSWORD, Map.of("graylog", Map.of("token", userB.graylogToken())));
        Gateway.provision(SERVICE_PASSWORD, "logs-rg-00003", ACCOUNT_PASSWORD,
                Map.of("graylog", Map.of("username", userWithPassword.name(), "password", GRAYLOG_PASSWORD)));
        Gateway.provision(SERVICE_WRONG, "logs-rg-00004", ACCOUNT_PASSWORD,
                Map.of("graylog", Map.of("token", SecretsInLogs.remember("not-a-graylog-token-of-anyone"))));
        tokenA = Gateway.createToken(SERVICE_A, "graylog")[1];
        tokenB = Gateway.createToken(SERVICE_B, "graylog")[1];
        tokenPassword = Gateway.createToken(SERVICE_PASSWORD, "graylog")[1];
        tokenWrong = Gateway.createToken(SERVICE_WRONG, "graylog")[1];
    }

    /** A Reader with a stream of its own shared with it, and an access token the operator registers in the gateway. */
    private static GraylogUser graylogUser(String name) {
        GraylogServer.User user = graylog.createUser(name, GRAYLOG_PASSWORD);
        String stream = graylog.createStream(name + " logs");
        graylog.shareStream(stream, user);
        return new GraylogUser(user, SecretsInLogs.remember(graylog.createAccessToken(user, "gateway")), stream);
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    // ---------------------------------------------------------------- identity

    @Test
    void aGatewayTokenReachesGraylogAsTheServicesUser() {
        JsonNode user = json(viaGateway("GET", "/api/users/" + userA.name(), tokenA), 200);
        assertEquals(userA.name(), user.path("username").asText());
        assertEquals(userA.id(), user.path("id").asText());
    }

    @Test
    void graylogGrantsTheServiceUsersStreamPermissions() {
        JsonNode user = json(viaGateway("GET", "/api/users/" + userA.name(), tokenA), 200);
        List<String> permissions = new ArrayList<>();
        user.path("permissions").forEach(p -> permissions.add(p.asText()));
        assertTrue(permissions.contains("streams:read:" + userA.stream()), permissions.toString());
        assertFalse(permissions.contains("streams:read:" + userB.stream()), permissions.toString());

        JsonNode streams = json(viaGateway("GET", "/api/streams", tokenA), 200);
        assertEquals(1, streams.path("total").asInt(), streams.toString());
        assertEquals(userA.stream(), streams.path("streams").get(0).path("id").asText());
        assertEquals(200, viaGateway("GET", "/api/streams/" + userA.stream(), tokenA).statusCode());
    }

    @Test
    void anotherServicesUserIsNeverReachable() {
        HttpResponse<String> otherUser = viaGateway("GET", "/api/users/" + userB.name(), tokenA);
        assertEquals(403, otherUser.statusCode());
        assertEquals("{\"type\":\"ApiError\",\"message\":\"Not allowed to view user " + userB.name() + "\"}", otherUser.body());
        HttpResponse<String> otherStream = viaGateway("GET", "/api/streams/" + userB.stream(), tokenA);
        assertEquals(403, otherStream.statusCode());
        assertEquals("{\"type\":\"ApiError\",\"message\":\"Not authorized to access resource id <" + userB.stream() + ">\"}",
                otherStream.body());
        // ... while the other service's token reaches exactly that user.
        assertEquals(userB.name(), json(viaGateway("GET", "/api/users/" + userB.name(), tokenB), 200).path("username").asText());
        assertEquals(403, viaGateway("GET", "/api/users/" + userA.name(), tokenB).statusCode());
    }

    @Test
    void theServiceAccountsCredentialsReachGraylogAsTheServicesUserToo() {
        HttpResponse<String> response = Http.get(listeners.graylogPort(), "/api/users/" + userA.name(),
                basic("logs-rg-00001", ACCOUNT_PASSWORD));
        assertEquals(userA.name(), json(response, 200).path("username").asText());
    }

    @Test
    void aGraylogUsernameAndPasswordRegisteredForTheServiceWorkLikeAToken() {
        JsonNode user = json(viaGateway("GET", "/api/users/" + userWithPassword.name(), tokenPassword), 200);
        assertEquals(userWithPassword.name(), user.path("username").asText());
        assertEquals(403, viaGateway("GET", "/api/users/" + userA.name(), tokenPassword).statusCode());
    }

    @Test
    void wrongRegisteredGraylogCredentialsGetGraylogsOwn401() throws Exception {
        HttpResponse<String> response = viaGateway("GET", "/api/system", tokenWrong);
        assertEquals(401, response.statusCode());
        // Graylog's challenge, not the gateway's (realm "logs-token-gateway"): the gateway accepted the token.
        assertEquals(Optional.of("Basic realm=\"Graylog Server\""), response.headers().firstValue("WWW-Authenticate"));
        assertEquals("", response.body());
        assertEquals(Optional.of("Basic realm=\"logs-token-gateway\""),
                viaGateway("GET", "/api/system", "not-a-gateway-token").headers().firstValue("WWW-Authenticate"));
        // The access log records it as forwarded, Graylog's answer, not as a failure of the gateway.
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(SecretsInLogs.TEST_LOG).lines().anyMatch(line ->
                line.contains("\"service\":\"" + SERVICE_WRONG + "\"") && line.contains("\"status\":401")
                        && line.contains("\"outcome\":\"forwarded\"")));
    }

    // ---------------------------------------------------------------- Graylog's answers, unaltered

    @Test
    void aWriteWithoutTheCsrfHeaderGetsGraylogsRefusal() {
        HttpResponse<String> response = send(Http.request(listeners.graylogPort(), "/api/users/" + userA.name() + "/preferences")
                .header("Authorization", basic(tokenA, "token")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"preferences\":{\"updateUnfocussed\":true}}")));
        assertEquals(400, response.statusCode());
        assertEquals(CSRF_MISSING, response.body());
    }

    @Test
    void aWriteWithTheCsrfHeaderReachesGraylogWithItsBody() {
        HttpResponse<String> response = send(Http.request(listeners.graylogPort(), "/api/users/" + userB.name() + "/preferences")
                .header("Authorization", basic(tokenB, "token")).header("Content-Type", "application/json")
                .header("X-Requested-By", "cli")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"preferences\":{\"enableSmartSearch\":false}}")));
        assertEquals(204, response.statusCode(), response.body());
        JsonNode user = json(direct("GET", "/api/users/" + userB.name(), userB, Map.of(), null), 200);
        assertFalse(user.path("preferences").path("enableSmartSearch").asBoolean(true), user.path("preferences").toString());
    }

    /** Request forms whose answer depends on what reaches Graylog: headers, body, and Graylog's own errors. */
    static List<Object[]> answersGraylogGivesItsUser() {
        String preferences = "/api/users/logs-rg-00001/preferences";
        Map<String, String> write = Map.of("Content-Type", "application/json", "X-Requested-By", "cli");
        return List.of(
                new Object[] {"a stream of another user", "GET", "/api/streams/000000000000000000000001", Map.of(), null},
                new Object[] {"a path below a resource that does not exist", "GET", "/api/system/no-such-resource", Map.of(), null},
                new Object[] {"an unknown user id", "GET", "/api/users/0123456789abcdef01234567", Map.of(), null},
                new Object[] {"Accept: application/xml", "GET", "/api/system", Map.of("Accept", "application/xml"), null},
                new Object[] {"Accept: text/csv", "GET", "/api/streams", Map.of("Accept", "text/csv"), null},
                new Object[] {"Accept: application/json", "GET", "/api/users/logs-rg-00001", Map.of("Accept", "application/json"), null},
                new Object[] {"Content-Type: text/plain", "PUT", preferences, Map.of("Content-Type", "text/plain", "X-Requested-By", "cli"), "{}"},
                new Object[] {"a JSON body cut short", "PUT", preferences, write, "{\"preferences\":"},
                new Object[] {"a body of the wrong shape", "PUT", preferences, write, "{\"preferences\":[1,2]}"},
                new Object[] {"POST on a read-only resource", "POST", "/api/system", write, "{}"},
                new Object[] {"DELETE of a stream the user may not touch", "DELETE", "/api/streams/000000000000000000000001",
                        Map.of("X-Requested-By", "cli"), null});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answersGraylogGivesItsUser")
    void graylogsAnswerReachesTheClientUnaltered(String what, String method, String path, Map<String, String> headers, String body) {
        HttpResponse<String> direct = direct(method, path, userA, headers, body);
        HttpRequest.Builder request = Http.request(listeners.graylogPort(), path).header("Authorization", basic(tokenA, "token"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> viaGateway = send(request);
        assertEquals(direct.statusCode(), viaGateway.statusCode(), what + ": " + direct.body());
        assertEquals(direct.headers().firstValue("Content-Type"), viaGateway.headers().firstValue("Content-Type"), what);
        assertEquals(direct.body(), viaGateway.body(), what);
    }

    // ---------------------------------------------------------------- the web interface

    @ParameterizedTest
    @ValueSource(strings = {"/", "/config.js", "/streams", "/search", "/assets/favicon.png", "/api/api-browser",
            "/api/api-browser/", "/api/api-browser/global/index.html", "/api/api-browser/swagger-ui.js",
            "/api/no-such-resource", "/api/no/such/resource", "/api/plugins/x", "/api/API-BROWSER/"})
    void aWebInterfacePathGraylogServesIsRefused(String path) {
        HttpResponse<String> direct = direct("GET", path, graylog.adminAuthorization(), Map.of(), null);
        assertEquals(200, direct.statusCode(), "Graylog serves " + path);
        assertWebInterfaceRefused(path, viaGateway("GET", path, tokenA));
        assertWebInterfaceRefused(path, send(Http.request(listeners.graylogPort(), path)
                .header("Authorization", basic(tokenA, "token")).method("HEAD", HttpRequest.BodyPublishers.noBody())));
    }

    @Test
    void everyFileOfGraylogsWebInterfaceIsRefused() {
        List<String> paths = GraylogServer.webInterfacePaths();
        assertTrue(paths.size() > 1000, "the server jar lists " + paths.size() + " web interface files");
        List<String> served = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        for (String path : paths) {
            if (direct("HEAD", path, graylog.adminAuthorization(), Map.of(), null).statusCode() == 200) {
                served.add(path);
            }
            if (viaGateway("GET", path, tokenA).statusCode() != 403) {
                passed.add(path);
            }
        }
        assertEquals(paths, served, "what the jar lists is what Graylog serves");
        assertEquals(List.of(), passed, "web interface files reachable through the gateway");
    }

    @Test
    void theStartPageGraylogServesReferencesOnlyRefusedPaths() {
        String page = direct("GET", "/", (String) null, Map.of(), null).body();
        Matcher reference = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"").matcher(page);
        List<String> referenced = new ArrayList<>();
        while (reference.find()) {
            referenced.add(reference.group(1));
        }
        assertTrue(referenced.contains("/config.js"), page);
        for (String path : referenced) {
            assertWebInterfaceRefused(path, viaGateway("GET", path, tokenA));
        }
    }

    private static void assertWebInterfaceRefused(String path, HttpResponse<String> response) {
        assertEquals(403, response.statusCode(), path);
        assertEquals(Optional.of("application/json"), response.headers().firstValue("Content-Type").map(t -> t.split(";")[0]), path);
        if (!"HEAD".equals(response.request().method())) {
            assertTrue(response.body().contains("web interface cannot be used through the gateway"), path + ": " + response.body());
        }
    }

    // ---------------------------------------------------------------- sessions and Graylog's own access tokens

    /** Spellings of the sessions resource; each answers Graylog's session JSON when sent to Graylog itself. */
    static List<String> sessionSpellings() {
        return List.of("/api/system/sessions", "/api/system/sessions/", "/api/system//sessions", "/api/system/./sessions",
                "/api/system/x/../sessions", "/api/%73ystem/sessions", "/api/system/%73essions", "/api//system/sessions",
                "/api/System/sessions", "/api/system/SESSIONS");
    }

    /**
     * Matrix parameters, which Graylog (JAX-RS) ignores when matching a resource: Graylog answers these as the
     * sessions resource ({@link #graylogServesItsSessionsToItsOwnCredentials}); the gateway refuses a ';' in a Graylog path outright.
     */
    static List<String> sessionMatrixSpellings() {
        return List.of("/api/system/sessions;x=1", "/api/system;x=1/sessions", "/api/system/sessions;jsessionid=1");
    }

    @ParameterizedTest
    @MethodSource("sessionSpellings")
    void aTokenCannotReachGraylogsSessions(String path) {
        assertSessionsRefused(path);
    }

    @ParameterizedTest
    @MethodSource("sessionMatrixSpellings")
    void aTokenCannotReachGraylogsSessionsWithMatrixParameters(String path) {
        assertSessionsRefused(path, 400); // a ';' in a path is refused before anything else is looked at
    }

    private void assertSessionsRefused(String path) {
        assertSessionsRefused(path, 403);
    }

    private void assertSessionsRefused(String path, int status) {
        assertEquals(status, viaGateway("GET", path, tokenA).statusCode(), "GET " + path);
        HttpResponse<String> login = send(Http.request(listeners.graylogPort(), path)
                .header("Authorization", basic(tokenA, "token")).header("Content-Type", "application/json")
                .header("X-Requested-By", "cli")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + userA.name() + "\",\"password\":\""
                        + GRAYLOG_PASSWORD + "\",\"host\":\"\"}")));
        assertEquals(status, login.statusCode(), "POST " + path);
        assertFalse(login.body().contains("session_id"), login.body());
        assertEquals(status, send(Http.request(listeners.graylogPort(), path + "/0123")
                .header("Authorization", basic(tokenA, "token")).header("X-Requested-By", "cli").DELETE()).statusCode(), "DELETE " + path);
    }

    @Test
    void graylogServesItsSessionsToItsOwnCredentials() {
        // What the refusals above withhold: Graylog itself answers these spellings for the user.
        for (String path : List.of("/api/system/sessions", "/api/system/sessions;x=1", "/api/system;x=1/sessions")) {
            HttpResponse<String> response = direct("GET", path, userA, Map.of(), null);
            assertEquals(200, response.statusCode(), path);
            assertTrue(response.body().contains("\"username\":\"" + userA.name() + "\""), path + ": " + response.body());
        }
    }

    /** Spellings of a user's access-token resource ({id} is the Graylog user id; {name} its username). */
    static List<String> tokenSpellings() {
        return List.of("/api/users/{id}/tokens", "/api/users/{id}/tokens/", "/api/users/{id}//tokens", "/api/users/{id}/./tokens",
                "/api/users/x/../{id}/tokens", "/api/users/{id}/%74okens", "/api/%75sers/{id}/tokens", "/api//users/{id}/tokens",
                "/api/users/{id}/TOKENS", "/api/users/{name}/tokens");
    }

    /** Matrix-parameter forms, which Graylog honours: it mints a token through them ({@link #graylogLetsItsUserMintTokensInTheseSpellings}). */
    static List<String> tokenMatrixSpellings() {
        return List.of("/api/users/{id}/tokens;x", "/api/users;x/{id}/tokens", "/api/users/{id};x/tokens", "/api/users/{id}/tokens%3Bx");
    }

    @ParameterizedTest
    @MethodSource("tokenSpellings")
    void aTokenCannotManageGraylogAccessTokens(String spelling) {
        assertTokensRefused(spelling);
    }

    @ParameterizedTest
    @MethodSource("tokenMatrixSpellings")
    void aTokenCannotManageGraylogAccessTokensWithMatrixParameters(String spelling) {
        assertTokensRefused(spelling, 400); // a ';' in a path is refused before anything else is looked at
    }

    private void assertTokensRefused(String spelling) {
        assertTokensRefused(spelling, 403);
    }

    private void assertTokensRefused(String spelling, int status) {
        String path = spelling.replace("{id}", userA.id()).replace("{name}", userA.name());
        List<String> before = graylog.accessTokenNames(userA.user());
        assertEquals(status, viaGateway("GET", path, tokenA).statusCode(), "GET " + path);
        HttpResponse<String> created = send(Http.request(listeners.graylogPort(), path + "/minted-through-the-gateway")
                .header("Authorization", basic(tokenA, "token")).header("X-Requested-By", "cli")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(status, created.statusCode(), "POST " + path);
        assertFalse(created.body().contains("\"token\""), "a Graylog token was handed out");
        assertEquals(status, send(Http.request(listeners.graylogPort(), path + "/gateway")
                .header("Authorization", basic(tokenA, "token")).header("X-Requested-By", "cli").DELETE()).statusCode(), "DELETE " + path);
        assertEquals(before, graylog.accessTokenNames(userA.user()), "the user's Graylog access tokens changed");
    }

    @Test
    void graylogLetsItsUserMintTokensInTheseSpellings() {
        // What the refusals above withhold: with its own credentials the user mints a token through a matrix spelling.
        HttpResponse<String> created = direct("POST", "/api/users/" + userB.id() + "/tokens;x/minted-directly", userB,
                Map.of("X-Requested-By", "cli"), null);
        assertEquals(200, created.statusCode(), created.body());
        SecretsInLogs.remember(json(created, 200).path("token").asText());
        assertTrue(graylog.accessTokenNames(userB.user()).contains("minted-directly"));
    }

    // ---------------------------------------------------------------- revocation

    @Test
    void aDeletedTokenIsRefusedOnItsNextGraylogRequest() {
        String[] token = Gateway.createToken(SERVICE_A, "revoked-next");
        assertEquals(200, viaGateway("GET", "/api/users/" + userA.name(), token[1]).statusCode());
        Gateway.deleteToken(SERVICE_A, token[0]);
        HttpResponse<String> refused = viaGateway("GET", "/api/users/" + userA.name(), token[1]);
        assertEquals(401, refused.statusCode());
        assertEquals(Optional.of("Basic realm=\"logs-token-gateway\""), refused.headers().firstValue("WWW-Authenticate"));
        assertEquals(200, viaGateway("GET", "/api/users/" + userA.name(), tokenA).statusCode(), "the service's other token");
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> viaGateway(String method, String path, String gatewayToken) {
        return send(Http.request(listeners.graylogPort(), path).header("Authorization", basic(gatewayToken, "token"))
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** Straight to Graylog, as {@code user} with its own Graylog token. */
    private static HttpResponse<String> direct(String method, String path, GraylogUser user, Map<String, String> headers, String body) {
        return direct(method, path, basic(user.graylogToken(), "token"), headers, body);
    }

    /** Straight to Graylog; {@code authorization} may be {@code null}. */
    private static HttpResponse<String> direct(String method, String path, String authorization, Map<String, String> headers,
                                               String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(graylog.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        try {
            return DIRECT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        return Http.send(request.build());
    }

    private static JsonNode json(HttpResponse<String> response, int expectedStatus) {
        assertEquals(expectedStatus, response.statusCode(), response.body());
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
