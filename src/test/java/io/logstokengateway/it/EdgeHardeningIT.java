package io.logstokengateway.it;

import io.logstokengateway.testsupport.RawHttpConnection;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edges of the packaged gateway as an attacker probes them: security headers on every management answer,
 * {@code ;} in management paths, answers carrying a secret never stored, {@code Connection} naming framing headers,
 * names that are not what they look like, what {@code /q/health} tells anyone, two {@code Host} headers, forwarding
 * claims, and client input that must never put a stack trace in the log.
 */
class EdgeHardeningIT {

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final String SERVICE = "ldp-edge-00001";
    private static final String USER = "logs-edge-00001";
    private static final String PASSWORD = SecretsInLogs.remember("Edge-Account-Password-1");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    /** Every request of these tests leaves from here (a loopback address of its own), except where a test needs another. */
    private static final String CLIENT = RawHttpConnection.client(40, 1);

    private static GraylogEmulator graylog;
    private static GatewayProcess gateway;
    private static ManagementClient operator;
    private static ManagementClient.Token token;

    @BeforeAll
    static void startGateway() {
        graylog = GraylogEmulator.start();
        gateway = GatewayProcess.builder("edge")
                .adminKey(ADMIN_KEY)
                .dataDir(Path.of("target", "it-data", "edge-" + System.currentTimeMillis()))
                .elasticsearchUpstream(OpenSearchServer.get().uri())
                .graylogUpstream(graylog.uri())
                .start();
        operator = ManagementClient.asOperator(gateway, ADMIN_KEY);
        operator.provision(SERVICE, USER, PASSWORD);
        token = operator.createToken(SERVICE, "edge");
        SecretsInLogs.remember(token.value());
    }

    @AfterAll
    static void stop() throws IOException {
        SecretsInLogs.stopAndAssertNoneIn(gateway);
        if (graylog != null) {
            graylog.close();
        }
    }

    private static RawHttpConnection.Response management(String method, String path, String authorization, String contentType, String body) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close");
        if (authorization != null) {
            head.append("\r\nAuthorization: ").append(authorization);
        }
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        if (bytes != null) {
            head.append("\r\nContent-Type: ").append(contentType).append("\r\nContent-Length: ").append(bytes.length);
        }
        return RawHttpConnection.once(CLIENT, gateway.managementPort(), head.toString(), bytes);
    }

    private static String operatorKey() {
        return "Bearer " + ADMIN_KEY;
    }

    // ---- security headers and ';' ---------------------------------------------------------------------------

    @Test
    void everyAnswerOfTheManagementListenerCarriesTheSecurityHeaders() {
        Map<String, String> paths = new LinkedHashMap<>(); // path → authorization
        paths.put("/console/login", null);
        paths.put("/console;x/login", null);
        paths.put("/console/;x/login", null);
        paths.put("/console", null);
        paths.put("/console/services/" + SERVICE, null);
        paths.put("/dbaas/logs", null);
        paths.put("/dbaas/logs;x", null);
        paths.put("/dbaas/logs/" + SERVICE, RawHttpConnection.basic(USER, PASSWORD));
        paths.put("/admin/services", operatorKey());
        paths.put("/admin/services;v=1", operatorKey());
        paths.put("/q/health", null);
        paths.put("/q/health;x", null);
        paths.put("/q/metrics", null);
        paths.put("/q/openapi", null);
        paths.put("/no/such/path", null);
        for (Map.Entry<String, String> entry : paths.entrySet()) {
            RawHttpConnection.Response answer = management("GET", entry.getKey(), entry.getValue(), null, null);
            String what = "GET " + entry.getKey() + " (" + answer.status() + ")";
            assertEquals(CSP, answer.header("Content-Security-Policy"), what);
            assertEquals("DENY", answer.header("X-Frame-Options"), what);
            assertEquals("nosniff", answer.header("X-Content-Type-Options"), what);
            assertEquals("no-referrer", answer.header("Referrer-Policy"), what);
            assertEquals("no-store", answer.header("Cache-Control"), what);
        }
        RawHttpConnection.Response unparseable = management("GET", "/%", null, null, null);
        assertEquals(400, unparseable.status(), "a URI Quarkus cannot parse is refused before any handler");
        assertEquals("", unparseable.body(), "with nothing in it to protect");
        RawHttpConnection.Response swagger = management("GET", "/q/swagger-ui/", null, null, null);
        assertEquals(200, swagger.status());
        assertTrue(swagger.header("Content-Security-Policy").contains("frame-ancestors 'none'"), "Swagger UI's page has a CSP too");
        assertEquals("DENY", swagger.header("X-Frame-Options"));
        RawHttpConnection.Response asset = management("GET", "/console/assets/console.js", null, null, null);
        assertEquals(200, asset.status());
        assertEquals(CSP, asset.header("Content-Security-Policy"));
        String assetCaching = asset.header("Cache-Control");
        assertTrue(assetCaching == null || !assetCaching.contains("no-store"), "a static asset may be cached: " + assetCaching);
    }

    @Test
    void aSemicolonInAManagementPathIsRefused() {
        RawHttpConnection.Response console = management("GET", "/console;x/login", null, null, null);
        assertEquals(400, console.status());
        assertFalse(console.body().contains("<form"), "not the sign-in page");
        for (String path : List.of("/dbaas/logs;x", "/dbaas/logs/" + SERVICE + ";x/token", "/admin/services;v=1")) {
            RawHttpConnection.Response api = management("GET", path, operatorKey(), null, null);
            assertEquals(400, api.status(), path);
            assertTrue(api.body().contains("\"class\":\"Client::BadRequest\""), api.body());
        }
        assertEquals(400, management("GET", "/q/health;x", null, null, null).status());
        assertEquals(400, management("GET", "/console/assets;x/console.js", null, null, null).status());
        assertEquals(400, management("POST", "/admin/services;x", operatorKey(), "application/json", "{}").status());
    }

    // ---- secrets are never stored by a cache -----------------------------------------------------------------

    @Test
    void anAnswerCarryingATokenValueIsNeverStored() throws IOException {
        RawHttpConnection.Response read = management("GET", "/dbaas/logs/" + SERVICE + "/token/" + token.id(), RawHttpConnection.basic(USER, PASSWORD), null, null);
        assertEquals(200, read.status());
        assertTrue(read.body().contains(token.value()));
        assertEquals("no-store", read.header("Cache-Control"));

        Console console = Console.signIn(USER, PASSWORD);
        List<String> before = operator.tokenIds(SERVICE);
        RawHttpConnection.Response created = console.post("/console/services/" + SERVICE + "/tokens", "name=from-the-console");
        assertEquals(303, created.status());
        RawHttpConnection.Response page = console.get(created.header("Location").replaceFirst("^https?://[^/]+", "").replaceFirst("#.*", ""));
        assertEquals(200, page.status());
        String newId = operator.tokenIds(SERVICE).stream().filter(id -> !before.contains(id)).findFirst().orElseThrow();
        String value = SecretsInLogs.remember(new ObjectMapper().readTree(operator
                .send("GET", "/dbaas/logs/" + SERVICE + "/token/" + newId, null).body()).path("value").asText());
        assertTrue(page.body().contains(value), "the page shows the new token's value");
        assertEquals("no-store", page.header("Cache-Control"));
    }

    // ---- Connection naming framing headers ------------------------------------------------------------------

    @Test
    void connectionNamingContentHeadersIsIgnoredAndTheBodyForwarded() throws IOException {
        String index = USER + "-i-connection";
        byte[] document = "{\"message\":\"kept-with-its-length\"}".getBytes(StandardCharsets.UTF_8);
        RawHttpConnection.Response indexed = RawHttpConnection.once(CLIENT, gateway.searchPort(), "PUT /" + index + "/_doc/1?refresh=true HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token.value() + "\r\n"
                + "Connection: keep-alive, Content-Length, Content-Type, Host, Authorization\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + document.length, document);
        assertEquals(201, indexed.status(), indexed.body());
        assertTrue(OpenSearchServer.get().get("/" + index + "/_doc/1").contains("kept-with-its-length"), "the body reached OpenSearch");

        graylog.clearRequests();
        byte[] search = "{\"queries\":[]}".getBytes(StandardCharsets.UTF_8);
        RawHttpConnection.once(CLIENT, gateway.graylogPort(), "POST /api/views/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: " + RawHttpConnection.basic(token.value(), "token") + "\r\nX-Requested-By: test\r\n"
                + "Connection: keep-alive, Content-Length, Content-Type, Content-Encoding\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + search.length, search);
        GraylogEmulator.Recorded received = graylog.lastRequest();
        assertEquals("{\"queries\":[]}", received.bodyText());
        assertEquals("application/json", received.header("Content-Type"));
        assertEquals(Integer.toString(search.length), received.header("Content-Length"));
        assertNoStackTraceSoFar();
    }

    // ---- client input never puts a stack trace in the log --------------------------------------------------

    @Test
    void hostileRequestsLeaveNoStackTraceInTheLog() throws Exception {
        String bearer = "Authorization: Bearer " + token.value();
        List<String> proxyHeads = List.of(
                "POST /_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nConnection: Content-Length, Transfer-Encoding\r\nContent-Length: 2\r\n\r\n{}",
                "POST /_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nTransfer-Encoding: chunked\r\nConnection: Transfer-Encoding\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                "POST /_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                "POST /_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nContent-Length: abc\r\n\r\n{}",
                "POST /_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                "POST /_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                "POST /_msearch HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nContent-Type: application/x-ndjson\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd",
                "POST /_bulk HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: 5\r\n\r\n{{{{\n",
                "POST /_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
                "GET /%zz/_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\n\r\n",
                "GET /%C0%AE%C0%AE/ HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\n\r\n",
                "GET http://elsewhere.example/_search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\n\r\n",
                "BREW /pot HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Basic !!!not-base64!!!\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Basic " + java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, ':', 'x'}) + "\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Basic " + java.util.Base64.getEncoder().encodeToString("a\u0000b:c".getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n",
                "GET / HTTP/1.0\r\n\r\n",
                "GET /api/../ HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\n\r\n",
                "POST /api/views/search HTTP/1.1\r\nHost: a\r\n" + bearer + "\r\nContent-Length: 10\r\n\r\n{}");
        for (String request : proxyHeads) {
            sendQuietly(gateway.searchPort(), request);
            sendQuietly(gateway.graylogPort(), request);
        }
        List<String> managementRequests = List.of(
                "POST /admin/services HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{{{{{",
                "POST /admin/services HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
                "POST /admin/services HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\nContent-Type: application/json\r\nConnection: Content-Length\r\nContent-Length: 2\r\n\r\n{}",
                "POST /admin/services HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
                "POST /dbaas/logs/" + SERVICE + "/token HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"name\":null}",
                "POST /dbaas/logs/" + SERVICE + "/token HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"name\":[1,2]}",
                "GET /dbaas/logs/a%00b/token HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\n\r\n",
                "GET /dbaas/logs/" + SERVICE + "/token/%00 HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\n\r\n",
                "GET /dbaas/logs/%ZZ HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\n\r\n",
                "GET /dbaas/logs HTTP/1.1\r\nHost: a\r\nAuthorization: Basic " + java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0xc3, ':', (byte) 0xff}) + "\r\n\r\n",
                "POST /console/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\ncsrf=%ZZ&",
                "POST /console/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                "GET /console/services/%ZZ HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /q/health/group/a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /q/health HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer\r\n\r\n",
                "DELETE /dbaas/logs/" + SERVICE + "/token/..%2F..%2F HTTP/1.1\r\nHost: a\r\nAuthorization: " + operatorKey() + "\r\n\r\n");
        for (String request : managementRequests) {
            sendQuietly(gateway.managementPort(), request);
        }
        Thread.sleep(2000); // what is still being answered is logged meanwhile
        assertNoStackTraceSoFar();
    }

    /** Sends bytes as they are and reads whatever comes back until the connection closes or goes quiet. */
    private static void sendQuietly(int port, String request) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(CLIENT, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(300);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getInputStream().readNBytes(1 << 20);
        } catch (IOException expected) {
            // closed on us, or quiet: what matters here is the gateway's log
        }
    }

    private static void assertNoStackTraceSoFar() throws IOException {
        // Bytes as they are: hostile input may have put invalid UTF-8 in the log.
        List<String> lines = new String(Files.readAllBytes(gateway.output()), StandardCharsets.UTF_8).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int at = i;
            assertFalse(lines.get(i).startsWith("\tat ") || lines.get(i).contains(" ERROR "), () -> "the log shows a fault:\n"
                    + String.join("\n", lines.subList(Math.max(0, at - 3), Math.min(lines.size(), at + 5))));
        }
    }

    // ---- names ------------------------------------------------------------------------------------------------

    @Test
    void tokenNamesArePrintableAndFitTheirColumn() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("right-to-left override", "invoice\u202Egpj.exe");
        refused.put("line separator", "two\u2028lines");
        refused.put("paragraph separator", "two\u2029paragraphs");
        refused.put("next line", "two\u0085lines");
        refused.put("zero-width space", "zero\u200Bwidth");
        refused.put("NUL", "nul\u0000");
        refused.put("escape", "esc\u001B[31m");
        refused.put("private use", "private\uE000");
        refused.put("lone surrogate", "half\uD83D");
        refused.put("128 emoji (256 UTF-16 units)", "\uD83D\uDE00".repeat(128));
        refused.put("129 letters", "x".repeat(129));
        refused.put("blank", "   ");
        for (Map.Entry<String, String> name : refused.entrySet()) {
            RawHttpConnection.Response answer = management("POST", "/dbaas/logs/" + SERVICE + "/token", operatorKey(), "application/json",
                    "{\"name\":" + json(name.getValue()) + "}");
            assertEquals(400, answer.status(), name.getKey() + ": " + answer.body());
            assertTrue(answer.body().contains("\"class\":\"Client::BadRequest\""), name.getKey());
        }
        for (String accepted : List.of("\uD83D\uDE00".repeat(64), "x".repeat(128), "Grafana (prod) \u2014 \u00e9t\u00e9 \u65e5\u672c")) {
            RawHttpConnection.Response answer = management("POST", "/dbaas/logs/" + SERVICE + "/token", operatorKey(), "application/json",
                    "{\"name\":" + json(accepted) + "}");
            assertEquals(200, answer.status(), answer.body());
        }
        Console console = Console.signIn(USER, PASSWORD);
        int tokens = operator.tokenIds(SERVICE).size();
        RawHttpConnection.Response page = console.post("/console/services/" + SERVICE + "/tokens", "name=" + URLEncoder.encode("evil\u202Etxt", StandardCharsets.UTF_8));
        assertEquals(422, page.status(), "the console refuses it with its form");
        assertEquals(tokens, operator.tokenIds(SERVICE).size(), "and creates nothing");
    }

    @Test
    void serviceFieldsArePrintableAndFitTheirColumns() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("display name with an override", "{\"displayName\":\"Team \\u202EA\"}");
        refused.put("display name with a line separator", "{\"displayName\":\"Team\\u2028A\"}");
        refused.put("display name of 128 emoji", "{\"displayName\":" + json("\uD83D\uDE00".repeat(128)) + "}");
        refused.put("upstream username too long", "{\"elasticsearch\":{\"username\":\"" + "u".repeat(300) + "\"}}");
        refused.put("upstream username with a colon", "{\"graylog\":{\"username\":\"a:b\"}}");
        refused.put("upstream password too long", "{\"elasticsearch\":{\"password\":\"" + "p".repeat(800) + "\"}}");
        refused.put("Graylog token too long", "{\"graylog\":{\"token\":\"" + "t".repeat(800) + "\"}}");
        refused.put("patterns too long together", "{\"elasticsearch\":{\"readPatterns\":" + patterns(20, 250) + "}}");
        for (Map.Entry<String, String> body : refused.entrySet()) {
            RawHttpConnection.Response answer = management("PATCH", "/admin/services/" + SERVICE, operatorKey(), "application/json", body.getValue());
            assertEquals(400, answer.status(), body.getKey() + ": " + answer.body());
            assertTrue(answer.body().contains("\"class\":\"Client::BadRequest\""), body.getKey());
        }
        RawHttpConnection.Response created = management("POST", "/admin/services", operatorKey(), "application/json",
                "{\"serviceName\":\"ldp-edge-00002\",\"username\":\"logs-edge-00002\",\"displayName\":\"Team\\u202EB\"}");
        assertEquals(400, created.status(), created.body());
        assertEquals(404, management("GET", "/dbaas/logs/a%00b", operatorKey(), null, null).status());
        assertEquals(404, management("GET", "/dbaas/logs/" + SERVICE + "/token/not-an-id", operatorKey(), null, null).status());
    }

    private static String patterns(int count, int length) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add("\"" + String.valueOf((char) ('a' + i)).repeat(length) + "\"");
        }
        return "[" + String.join(",", all) + "]";
    }

    /** A JSON string literal, every non-ASCII character escaped as Jackson would read it. */
    private static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    // ---- what /q/health tells whom ---------------------------------------------------------------------------

    @Test
    void healthWithoutCredentialsSaysOnlyUpOrDown() {
        String upstream = OpenSearchServer.get().uri().toString();
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started")) {
            RawHttpConnection.Response answer = management("GET", path, null, null, null);
            assertTrue(answer.body().equals("{\"status\":\"UP\"}") || answer.body().equals("{\"status\":\"DOWN\"}"), path + ": " + answer.body());
            assertEquals(answer.body().contains("UP") ? 200 : 503, answer.status(), path);
        }
        RawHttpConnection.Response details = management("GET", "/q/health/ready", operatorKey(), null, null);
        assertTrue(details.body().contains(upstream) && details.body().contains("\"checks\""), "the operator sees the upstreams: " + details.body());
        assertEquals(403, management("GET", "/q/health", RawHttpConnection.basic(USER, PASSWORD), null, null).status(), "an account is not the operator");
        assertEquals(401, management("GET", "/q/health", "Bearer " + GatewayProcess.randomKey(), null, null).status());
    }

    // ---- Host and forwarding claims --------------------------------------------------------------------------

    @Test
    void twoHostHeadersAreRefusedOnEveryListener() {
        String twoHosts = " HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: elsewhere.example\r\nConnection: close\r\nAuthorization: Bearer ";
        assertEquals(400, RawHttpConnection.once(CLIENT, gateway.managementPort(), "GET /dbaas/logs" + twoHosts + ADMIN_KEY, null).status());
        assertEquals(400, RawHttpConnection.once(CLIENT, gateway.managementPort(), "GET /q/health" + twoHosts + ADMIN_KEY, null).status());
        assertEquals(400, RawHttpConnection.once(CLIENT, gateway.searchPort(), "GET /" + USER + "-i-*/_search" + twoHosts + token.value(), null).status());
        assertEquals(400, RawHttpConnection.once(CLIENT, gateway.graylogPort(), "GET /api/system/lbstatus" + twoHosts + token.value(), null).status());
    }

    @Test
    void clientForwardingClaimsAreRemovedAndEveryXForwardedForKept() {
        graylog.clearRequests();
        String from = RawHttpConnection.client(41, 9);
        RawHttpConnection.once(from, gateway.graylogPort(), "GET /api/system/lbstatus HTTP/1.1\r\nHost: gateway.example\r\nConnection: close\r\n"
                + "Authorization: " + RawHttpConnection.basic(token.value(), "token") + "\r\n"
                + "Forwarded: for=6.6.6.6;proto=https\r\nX-Real-IP: 6.6.6.6\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2, 3.3.3.3\r\n"
                + "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Port: 1\r\nX-Forwarded-Server: evil", null);
        GraylogEmulator.Recorded received = graylog.lastRequest();
        assertNotNull(received);
        assertNull(received.header("Forwarded"));
        assertNull(received.header("X-Real-IP"));
        assertNull(received.header("X-Forwarded-Port"));
        assertNull(received.header("X-Forwarded-Server"));
        assertEquals(List.of("1.1.1.1, 2.2.2.2, 3.3.3.3, " + from), received.headers().get("X-Forwarded-For"));
        assertEquals("gateway.example", received.header("X-Forwarded-Host"));
        assertEquals("http", received.header("X-Forwarded-Proto"));
    }

    // ---- the console, driven by hand ---------------------------------------------------------------------------

    /** A signed-in console session over a {@link RawHttpConnection}: its cookie and CSRF token. */
    private record Console(String cookie, String csrf) {

        static Console signIn(String user, String password) {
            RawHttpConnection.Response page = RawHttpConnection.get(CLIENT, gateway.managementPort(), "/console/login");
            String nonce = cookieValue(page, "console_login");
            String form = "csrf=" + enc(csrfIn(page.body())) + "&method=account&username=" + enc(user) + "&password=" + enc(password);
            byte[] body = form.getBytes(StandardCharsets.UTF_8);
            RawHttpConnection.Response signedIn = RawHttpConnection.once(CLIENT, gateway.managementPort(), "POST /console/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: console_login=" + nonce
                    + "\r\nContent-Length: " + body.length, body);
            assertEquals(303, signedIn.status(), "signed in");
            String session = cookieValue(signedIn, "console_session");
            RawHttpConnection.Response landing = RawHttpConnection.get(CLIENT, gateway.managementPort(), "/console/services/" + SERVICE,
                    "Cookie: console_session=" + session);
            return new Console(session, csrfIn(landing.body()));
        }

        RawHttpConnection.Response get(String path) {
            return RawHttpConnection.get(CLIENT, gateway.managementPort(), path, "Cookie: console_session=" + cookie);
        }

        RawHttpConnection.Response post(String path, String fields) {
            byte[] body = ("csrf=" + enc(csrf) + "&" + fields).getBytes(StandardCharsets.UTF_8);
            return RawHttpConnection.once(CLIENT, gateway.managementPort(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nCookie: console_session=" + cookie
                    + "\r\nContent-Length: " + body.length, body);
        }

        private static String cookieValue(RawHttpConnection.Response answer, String name) {
            String cookie = answer.headers().getOrDefault("Set-Cookie", List.of()).stream().filter(c -> c.startsWith(name + "="))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie"));
            return cookie.substring(name.length() + 1, cookie.indexOf(';'));
        }

        private static String csrfIn(String html) {
            Matcher m = CSRF.matcher(html);
            assertTrue(m.find(), "a CSRF field");
            return m.group(1);
        }

        private static String enc(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }
}
