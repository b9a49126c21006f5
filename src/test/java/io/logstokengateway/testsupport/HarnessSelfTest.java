package io.logstokengateway.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that the test harness itself behaves: a real OpenSearch, and an emulator that fails like Graylog. */
class HarnessSelfTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GraylogEmulator graylog;

    @BeforeAll
    static void startEmulator() {
        graylog = GraylogEmulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        graylog.close();
    }

    @BeforeEach
    void users() {
        graylog.reset();
        graylog.addUser("alice", "secret");
        graylog.addAccessToken("alice", "tok123");
        graylog.allowStream("alice", "stream-a");
        graylog.addMessage("stream-a", "hello from a");
        graylog.addMessage("stream-b", "hello from b");
    }

    @Test
    void openSearchIndexesAndSearches() {
        OpenSearchServer os = OpenSearchServer.get();
        String health = os.get("/_cluster/health");
        assertTrue(health.contains("\"status\":\"green\"") || health.contains("\"status\":\"yellow\""), health);
        os.createIndex("harness-self-test");
        os.index("harness-self-test", "1", "{\"message\":\"harness works\"}");
        String hits = os.get("/harness-self-test/_search?q=message:harness");
        assertTrue(hits.contains("\"total\":{\"value\":1"), hits);
        assertTrue(hits.contains("harness works"), hits);
        assertEquals(404, os.request("GET", "/no-such-index/_search", null).statusCode());
    }

    @Test
    void refusesMissingOrWrongAuthLikeGraylog() throws Exception {
        HttpResponse<String> none = send("GET", "/api/search/universal/relative?query=*&range=300", null, null);
        assertEquals(401, none.statusCode());
        assertEquals("Basic realm=\"Graylog Server\"", none.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals("", none.body());

        assertEquals(401, send("GET", "/api/system", basic("alice", "wrong"), null).statusCode());
        assertEquals(401, send("GET", "/api/system", basic("unknown-token", "token"), null).statusCode());
        assertEquals(400, send("GET", "/api/system", "Basic " + b64("no-colon"), null).statusCode());
    }

    @Test
    void acceptsTokenWithPasswordTokenInAnyCase() throws Exception {
        for (String word : new String[] {"token", "TOKEN", "Token"}) {
            HttpResponse<String> r = send("GET", "/api/system", basic("tok123", word), null);
            assertEquals(200, r.statusCode(), word);
            assertTrue(r.body().contains("\"version\""), r.body());
        }
        assertEquals(200, send("GET", "/api/system", basic("alice", "secret"), null).statusCode());
    }

    @Test
    void searchesOnlyReadableStreams() throws Exception {
        HttpResponse<String> all = send("GET", "/api/search/universal/relative?query=hello&range=300",
                basic("tok123", "token"), null);
        assertEquals(200, all.statusCode());
        assertTrue(all.body().contains("hello from a") && !all.body().contains("hello from b"), all.body());
        assertTrue(all.body().contains("\"total_results\":1"), all.body());

        HttpResponse<String> forbidden = send("GET", "/api/search/universal/relative?query=*&range=300&filter=streams%3Astream-b",
                basic("tok123", "token"), null);
        assertEquals(403, forbidden.statusCode());
        assertEquals("{\"type\":\"ApiError\",\"message\":\"Not allowed to search with filter: [streams:stream-b]. "
                + "(Forbidden stream: stream-b)\"}", forbidden.body());
    }

    @Test
    void demandsRequestedByHeaderOnPost() throws Exception {
        String search = "{\"queries\":[{\"id\":\"q1\",\"query\":{\"type\":\"elasticsearch\",\"query_string\":\"*\"},"
                + "\"timerange\":{\"type\":\"relative\",\"range\":300},\"search_types\":[{\"id\":\"m1\",\"type\":\"messages\"}]}]}";
        HttpResponse<String> missing = send("POST", "/api/views/search", basic("tok123", "token"), search);
        assertEquals(400, missing.statusCode());
        assertEquals("{\"type\":\"ApiError\",\"message\":\"CSRF protection header is missing. "
                + "Please add a \\\"X-Requested-By\\\" header to your request.\"}", missing.body());

        HttpResponse<String> created = HTTP.send(request("POST", "/api/views/search", basic("tok123", "token"), search)
                .header("X-Requested-By", "test").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String id = created.body().replaceAll(".*\"id\":\"([0-9a-f]{24})\".*", "$1");
        HttpResponse<String> executed = HTTP.send(request("POST", "/api/views/search/" + id + "/execute",
                basic("tok123", "token"), "{}").header("X-Requested-By", "test").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, executed.statusCode(), executed.body());
        assertTrue(executed.body().contains("\"done\":true") && executed.body().contains("hello from a"), executed.body());
    }

    @Test
    void answersWebInterfaceAndUnknownApiPaths() throws Exception {
        for (String path : new String[] {"/", "/search", "/assets/app.js"}) {
            HttpResponse<String> page = send("GET", path, null, null);
            assertEquals(200, page.statusCode(), path);
            assertTrue(page.body().contains("<title>Graylog Web Interface</title>"), path);
        }
        // As Graylog does: a path no API resource matches is the web interface's, even under /api ...
        HttpResponse<String> unknown = send("GET", "/api/nope", null, null);
        assertEquals(200, unknown.statusCode());
        assertEquals("text/html", unknown.headers().firstValue("Content-Type").orElse(null));
        // ... but an unknown path below a resource is that resource's 404.
        HttpResponse<String> below = send("GET", "/api/system/nope", basic("tok123", "token"), null);
        assertEquals(404, below.statusCode());
        assertEquals("{\"type\":\"ApiError\",\"message\":\"HTTP 404 Not Found\"}", below.body());
    }

    @Test
    void recordsTheRawRequest() throws Exception {
        graylog.clearRequests();
        send("GET", "/api/search/universal/relative?query=a%2Fb+c&range=60", basic("tok123", "token"), null);
        GraylogEmulator.Recorded last = graylog.lastRequest();
        assertEquals("GET", last.method());
        assertEquals("/api/search/universal/relative?query=a%2Fb+c&range=60", last.rawPathAndQuery());
        assertEquals(basic("tok123", "token"), last.header("authorization"));
        assertEquals(1, graylog.requests().size());

        send("GET", "/api/streams%2Fx", null, null);
        assertEquals("/api/streams%2Fx", graylog.lastRequest().rawPath());
        graylog.clearRequests();
        assertNull(graylog.lastRequest());
        assertFalse(graylog.requests().iterator().hasNext());
    }

    @Test
    @ExtendWith(PostgresAvailability.class)
    void createsAFreshPostgresDatabase() throws Exception {
        String url = PostgresDatabase.createFreshDatabase();
        try (Connection c = DriverManager.getConnection(url, PostgresDatabase.user(), PostgresDatabase.password());
             ResultSet rs = c.createStatement().executeQuery("select current_database()")) {
            assertTrue(rs.next());
            assertTrue(url.endsWith("/" + rs.getString(1)), url);
        } finally {
            PostgresDatabase.dropDatabase(url);
        }
    }

    @Test
    void skipsWhenNoPostgresAnswers() {
        System.setProperty("test.postgresql.port", "1");
        try {
            var result = new PostgresAvailability().evaluateExecutionCondition(null);
            assertTrue(result.isDisabled());
            assertEquals("No PostgreSQL answers at 127.0.0.1:1; start one (see README, 'Tests') or set "
                    + "test.postgresql.host/port to run the PostgreSQL registry tests", result.getReason().orElse(""));
        } finally {
            System.clearProperty("test.postgresql.port");
        }
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body)
            throws IOException, InterruptedException {
        return HTTP.send(request(method, path, authorization, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String method, String path, String authorization, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(graylog.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private static String basic(String user, String password) {
        return "Basic " + b64(user + ":" + password);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
