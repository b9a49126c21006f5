package io.logstokengateway.e2e;

import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Graylog API listener: only {@code /api/**} passes, with the service's Graylog identity. */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class GraylogListenerTest {

    static final String SERVICE = "ldp-gl-00001";
    static final String USER = "logs-gl-00001";
    static final String PASSWORD = SecretsInLogs.remember("Graylog-Account-Pass-1");
    static final String UPSTREAM_TOKEN = SecretsInLogs.remember("graylog-side-access-token-0001");
    static String tokenValue;

    @Inject
    ProxyListeners listeners;

    GraylogEmulator graylog = GraylogResource.emulator();

    @BeforeEach
    void provisionOnce() {
        graylog.clearRequests();
        if (tokenValue != null) {
            return;
        }
        graylog.addUser(USER, SecretsInLogs.remember("graylog-side-password-1"));
        graylog.addAccessToken(USER, UPSTREAM_TOKEN);
        graylog.allowStream(USER, GraylogEmulator.ALL_MESSAGES_STREAM);
        Gateway.provision(SERVICE, USER, PASSWORD, Map.of("graylog", Map.of("token", UPSTREAM_TOKEN)));
        tokenValue = Gateway.createToken(SERVICE, "graylog")[1];
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    private HttpResponse<String> get(String path, String authorization) {
        return Http.get(listeners.graylogPort(), path, authorization);
    }

    @Test
    void searchWithTokenReachesGraylogAsTheService() {
        HttpResponse<String> response = get("/api/search/universal/relative?query=*&range=300&filter=streams:"
                + GraylogEmulator.ALL_MESSAGES_STREAM, basic(tokenValue, "token"));
        assertEquals(200, response.statusCode(), response.body());
        GraylogEmulator.Recorded seen = graylog.lastRequest();
        assertEquals(basic(UPSTREAM_TOKEN, "token"), seen.header("Authorization"));
        assertFalse(seen.headers().toString().contains(tokenValue), "the client's token reached the upstream");
        assertEquals("http", seen.header("X-Forwarded-Proto"));
        assertTrue(seen.header("X-Forwarded-For").contains("127.0.0.1"));
    }

    @Test
    void accountCredentialsAreReplacedToo() {
        assertEquals(200, get("/api/system", basic(USER, PASSWORD)).statusCode());
        assertEquals(basic(UPSTREAM_TOKEN, "token"), graylog.lastRequest().header("Authorization"));
    }

    @Test
    void postWithoutCsrfHeaderFailsAsGraylogWould() {
        HttpResponse<String> response = Http.send(Http.request(listeners.graylogPort(), "/api/views/search")
                .header("Authorization", basic(tokenValue, "token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(400, response.statusCode());
    }

    @Test
    void postWithCsrfHeaderIsForwardedWithItsBody() {
        HttpResponse<String> response = Http.send(Http.request(listeners.graylogPort(), "/api/views/search")
                .header("Authorization", basic(tokenValue, "token")).header("Content-Type", "application/json")
                .header("X-Requested-By", "cli")
                .POST(HttpRequest.BodyPublishers.ofString("{\"queries\":[]}")).build());
        assertEquals(201, response.statusCode(), response.body());
        assertEquals("{\"queries\":[]}", graylog.lastRequest().bodyText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/search", "/streams", "/assets/app.js", "/API/system", "/Api/system", "/apis",
            "/api/../", "/api/../search", "/api/%2e%2e/search", "/api%2f..%2fsearch", "/%2e%2e/search", "//search",
            "/./search", "/api/..", "/%41PI/system"})
    void webInterfacePathsAreRefusedAndNeverForwarded(String path) {
        HttpResponse<String> response = get(path, basic(tokenValue, "token"));
        assertEquals(403, response.statusCode(), path);
        assertTrue(response.body().contains("\"type\":\"ApiError\""), response.body());
        assertTrue(response.body().contains("web interface"), response.body());
        assertTrue(graylog.requests().isEmpty(), "the upstream received " + path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/api-browser", "/api/api-browser/", "/api/api-browser/global/index.html",
            "/api/api-browser/swagger-ui.js", "/api/api-browser/css/screen.css", "/api/%61pi-browser/", "/api/./api-browser/"})
    void apiBrowserIsRefusedAndNeverForwarded(String path) {
        HttpResponse<String> response = get(path, basic(tokenValue, "token"));
        assertEquals(403, response.statusCode(), path);
        assertTrue(response.body().contains("web interface"), response.body());
        assertTrue(graylog.requests().isEmpty(), "the upstream received " + path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD"})
    void aWebPageGraylogServesUnderApiIsRefused(String method) {
        // Graylog answers its web interface's start page for any path under /api that no API resource matches.
        HttpResponse<String> response = Http.send(Http.request(listeners.graylogPort(), "/api/no-such-resource")
                .header("Authorization", basic(tokenValue, "token")).method(method, HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(403, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertFalse(response.body().contains("<html"), response.body());
        assertEquals(1, graylog.requests().size(), "asked upstream, its answer refused");
    }

    @Test
    void webInterfaceIsRefusedEvenWithoutCredentials() {
        assertEquals(403, get("/", null).statusCode());
        assertTrue(graylog.requests().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"//api/system", "/%61pi/system", "/api/./system", "/api/streams/../system", "///api//system"})
    void apiPathsInUnusualFormsAreForwardedInTheirNormalForm(String path) {
        HttpResponse<String> response = get(path, basic(tokenValue, "token"));
        assertEquals(200, response.statusCode(), path + " " + response.body());
        assertEquals("/api/system", graylog.lastRequest().rawPath());
    }

    @Test
    void badPercentEncodingIsABadRequest() {
        String statusLine = Http.rawStatusLine(listeners.graylogPort(), "GET /api/%zz HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: " + basic(tokenValue, "token") + "\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", statusLine);
        assertTrue(graylog.requests().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/system/sessions;x=1", "/api/users/abc/tokens;x/mine", "/api/users;/abc/tokens",
            "/api/system%3Bx", "/api/system%3b", "/api;/system", "/api/system;", "/api/streams/..;/system/sessions"})
    void matrixParametersAreRefusedInEverySpelling(String path) {
        HttpResponse<String> response = get(path, basic(tokenValue, "token"));
        assertEquals(400, response.statusCode(), path);
        assertTrue(response.body().contains("\"type\":\"ApiError\""), response.body());
        assertEquals(400, get(path, null).statusCode(), "refused before authentication too: " + path);
        assertTrue(graylog.requests().isEmpty(), "the upstream received " + path);
    }

    @Test
    void queryStringIsForwardedAsGraylogReadsIt() {
        HttpResponse<String> response = get("/api/system?b=x+y%2Bz&&a=%41;c&d", basic(tokenValue, "token"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/api/system?b=x%20y%2Bz&a=A%3Bc&d=", graylog.lastRequest().rawPathAndQuery());
    }

    @Test
    void badQueryEncodingIsABadRequest() {
        for (String target : new String[] {"/api/system?q=%zz", "/api/system?q=%C3%28", "/api/system?q=%4"}) {
            String statusLine = Http.rawStatusLine(listeners.graylogPort(), "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + basic(tokenValue, "token") + "\r\n\r\n");
            assertEquals("HTTP/1.1 400 Bad Request", statusLine, target);
        }
        assertTrue(graylog.requests().isEmpty());
    }

    @Test
    void tokenCannotOpenAWebSession() {
        HttpResponse<String> response = Http.send(Http.request(listeners.graylogPort(), "/api/system/sessions")
                .header("Authorization", basic(tokenValue, "token")).header("X-Requested-By", "cli")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"a\",\"password\":\"b\"}")).build());
        assertEquals(403, response.statusCode());
        assertTrue(graylog.requests().isEmpty());
    }

    @Test
    void tokenCannotManageUpstreamTokens() {
        for (String path : new String[] {"/api/users/" + USER + "/tokens", "/api/users/abc/tokens/mine", "/api/users/abc/TOKENS",
                "/api/users/abc/../abc/tokens/x"}) {
            assertEquals(403, get(path, basic(tokenValue, "token")).statusCode(), path);
        }
        assertTrue(graylog.requests().isEmpty());
    }

    @Test
    void accountMayStillUseSessionsAndItsOwnGraylogTokens() {
        HttpResponse<String> response = get("/api/users/" + USER + "/tokens", basic(USER, PASSWORD));
        assertNotEquals(403, response.statusCode());
        assertEquals(1, graylog.requests().size());
    }

    @Test
    void missingCredentialsGet401InGraylogDialect() {
        HttpResponse<String> response = get("/api/system", null);
        assertEquals(401, response.statusCode());
        assertTrue(response.body().contains("\"type\":\"ApiError\""));
        assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
        assertNull(graylog.requests().isEmpty() ? null : "forwarded");
    }
}
