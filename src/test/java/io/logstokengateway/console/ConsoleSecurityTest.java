package io.logstokengateway.console;

import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.e2e.Http;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.management.ManagementEdge;
import io.logstokengateway.registry.Tokens;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's defences, driven over plain HTTP: sessions, CSRF, sign-in refusals, headers. (The guessing throttle
 * shared with the APIs and the proxies is tested on the packaged gateway: it/GuessingIT.)
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class ConsoleSecurityTest {

    static final String SERVICE = "ldp-console-00010";
    static final String USER = "logs-console-00010";
    static final String OTHER_SERVICE = "ldp-console-00011";
    static final String PASSWORD = SecretsInLogs.remember("Console-Security-Pass-42");
    static boolean provisioned;

    @TestHTTPResource("/")
    URL root;

    @Inject
    Tokens tokens;

    @BeforeEach
    void provisionOnce() {
        if (!provisioned) {
            Gateway.provision(SERVICE, USER, PASSWORD, Map.of());
            Gateway.provision(OTHER_SERVICE, "logs-console-00011", SecretsInLogs.remember("Other-Service-Pass-4242"), Map.of());
            provisioned = true;
        }
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    private ConsoleClient signedIn() {
        ConsoleClient client = new ConsoleClient(root.getPort());
        HttpResponse<String> answer = client.signIn(USER, PASSWORD);
        assertEquals(303, answer.statusCode());
        assertEquals("/console/services/" + SERVICE, answer.headers().firstValue("Location").map(l -> l.replaceFirst("^https?://[^/]+", "")).orElseThrow());
        return client;
    }

    @Test
    void sessionCookieIsHttpOnlySameSiteStrictAndScopedToTheConsole() {
        ConsoleClient client = new ConsoleClient(root.getPort());
        HttpResponse<String> answer = client.signIn(USER, PASSWORD);
        String cookie = answer.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(ConsoleWeb.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(cookie.contains("; HttpOnly"), cookie.replace(client.sessionCookie(), "…"));
        assertTrue(cookie.contains("; SameSite=Strict"));
        assertTrue(cookie.contains("; Path=/console"));
        assertFalse(cookie.contains("Secure"), "plain HTTP: no Secure attribute");
        assertEquals(43, client.sessionCookie().length(), "32 random bytes, base64url");
    }

    @Test
    void formPostWithoutTheCsrfTokenIsRefused() {
        ConsoleClient client = signedIn();
        int before = tokens.tokenIds(SERVICE).size();
        HttpResponse<String> answer = client.post("/console/services/" + SERVICE + "/tokens", Map.of("name", "no-csrf"), false);
        assertEquals(403, answer.statusCode());
        assertEquals(before, tokens.tokenIds(SERVICE).size(), "no token was created");
    }

    @Test
    void formPostWithAnotherCsrfTokenIsRefused() {
        ConsoleClient client = signedIn();
        ConsoleClient other = signedIn();
        int before = tokens.tokenIds(SERVICE).size();
        HttpResponse<String> answer = client.post("/console/services/" + SERVICE + "/tokens",
                Map.of("name", "stolen-csrf", "csrf", other.csrf()), false);
        assertEquals(403, answer.statusCode());
        assertEquals(before, tokens.tokenIds(SERVICE).size());
    }

    @Test
    void deletionWithoutTheCsrfTokenIsRefusedAndTheTokenStays() {
        String tokenId = Gateway.createToken(SERVICE, "keep-me")[0];
        ConsoleClient client = signedIn();
        assertEquals(403, client.post("/console/services/" + SERVICE + "/tokens/" + tokenId + "/delete", Map.of(), false).statusCode());
        assertTrue(tokens.tokenIds(SERVICE).contains(tokenId));
        HttpResponse<String> deleted = Http.send(Http.request(root.getPort(), "/console/services/" + SERVICE + "/tokens/" + tokenId + "/delete")
                .header("Cookie", ConsoleWeb.SESSION_COOKIE + "=" + client.sessionCookie())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header(ConsoleWeb.CSRF_HEADER, client.csrf())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, deleted.statusCode(), "the page's script sends the token in a header");
        assertFalse(tokens.tokenIds(SERVICE).contains(tokenId));
    }

    @Test
    void signInWithoutTheFormNonceIsRefused() {
        HttpResponse<String> answer = Http.send(Http.request(root.getPort(), "/console/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("method=account&username=" + USER + "&password=" + PASSWORD)).build());
        assertEquals(403, answer.statusCode());
        assertTrue(ConsoleClient.cookie(answer, ConsoleWeb.SESSION_COOKIE).isEmpty());
    }

    @Test
    void wrongCredentialsGetOneMessageWhateverWasWrong() {
        HttpResponse<String> wrongPassword = new ConsoleClient(root.getPort()).signIn(USER, "not-the-password-1");
        HttpResponse<String> unknownUser = new ConsoleClient(root.getPort()).signIn("logs-nobody-99999", "not-the-password-1");
        HttpResponse<String> wrongKey = new ConsoleClient(root.getPort()).signInAsOperator("not-the-operator-key");
        for (HttpResponse<String> answer : java.util.List.of(wrongPassword, unknownUser, wrongKey)) {
            assertEquals(401, answer.statusCode());
            assertTrue(answer.body().contains(ConsoleLoginResource.FAILED));
            assertTrue(ConsoleClient.cookie(answer, ConsoleWeb.SESSION_COOKIE).isEmpty());
        }
    }

    @Test
    void anApiTokenCannotSignIn() {
        String value = Gateway.createToken(SERVICE, "not-for-the-console")[1];
        assertEquals(401, new ConsoleClient(root.getPort()).signIn(value, "token").statusCode());
        assertEquals(401, new ConsoleClient(root.getPort()).signIn("token", value).statusCode());
    }

    @Test
    void anAccountSeesNoOtherService() {
        ConsoleClient client = signedIn();
        HttpResponse<String> other = client.get("/console/services/" + OTHER_SERVICE);
        HttpResponse<String> missing = client.get("/console/services/ldp-does-not-exist");
        assertEquals(404, other.statusCode());
        assertEquals(404, missing.statusCode());
        assertEquals(missing.body().replace("ldp-does-not-exist", OTHER_SERVICE), other.body());
    }

    @Test
    void operatorGetsTheServicePicker() {
        ConsoleClient client = new ConsoleClient(root.getPort());
        assertEquals(303, client.signInAsOperator(Gateway.ADMIN_KEY).statusCode());
        HttpResponse<String> picker = client.get("/console/services");
        assertEquals(200, picker.statusCode());
        assertTrue(picker.body().contains("/console/services/" + SERVICE));
        assertTrue(picker.body().contains("/console/services/" + OTHER_SERVICE));
        assertEquals(200, client.get("/console/services/" + OTHER_SERVICE).statusCode());
    }

    @Test
    void logoutEndsTheSession() {
        ConsoleClient client = signedIn();
        assertEquals(303, client.post("/console/logout", Map.of(), true).statusCode());
        HttpResponse<String> after = client.get("/console/services/" + SERVICE);
        assertEquals(303, after.statusCode());
        assertTrue(after.headers().firstValue("Location").orElseThrow().endsWith("/console/login"));
    }

    @Test
    void aChangedPasswordEndsTheAccountsSessions() {
        String service = "ldp-console-00013";
        String user = "logs-console-00013";
        String password = SecretsInLogs.remember("Before-Change-Pass-13");
        Gateway.provision(service, user, password, Map.of());
        ConsoleClient client = new ConsoleClient(root.getPort());
        assertEquals(303, client.signIn(user, password).statusCode());
        assertEquals(200, client.get("/console/services/" + service).statusCode());
        Gateway.asOperator().body(Map.of("password", SecretsInLogs.remember("After-Change-Pass-13")))
                .post("/dbaas/logs/{s}/user/changePassword", service).then().statusCode(200);
        assertEquals(303, client.get("/console/services/" + service).statusCode());
    }

    @Test
    void pagesCarryTheSecurityHeaders() {
        ConsoleClient client = signedIn();
        for (String path : java.util.List.of("/console/login", "/console/services/" + SERVICE)) {
            HttpResponse<String> page = path.equals("/console/login") ? new ConsoleClient(root.getPort()).get(path) : client.get(path);
            assertEquals(200, page.statusCode(), path);
            assertEquals(ManagementEdge.CSP, page.headers().firstValue("Content-Security-Policy").orElse(null), path);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(null));
            assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(null));
            assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        }
        HttpResponse<String> script = client.get("/console/assets/console.js");
        assertEquals(200, script.statusCode());
        assertEquals(ManagementEdge.CSP, script.headers().firstValue("Content-Security-Policy").orElse(null));
        assertEquals("nosniff", script.headers().firstValue("X-Content-Type-Options").orElse(null));
    }

    @Test
    void pagesLoadNothingFromElsewhere() {
        String page = signedIn().get("/console/services/" + SERVICE).body();
        assertFalse(page.contains("src=\"http") || page.contains("href=\"http") || page.contains("src=\"//")
                || page.contains("href=\"//"), "no asset from another origin");
        assertFalse(page.contains("<script>"), "no inline script (the CSP would block it)");
        assertFalse(page.contains(" style="), "no inline style (the CSP would block it)");
    }
}
